"""The only code that talks to Notion: one gateway per integration (token).

It wraps the official ``notion_client.AsyncClient`` with its own retries turned
off, so every 429 and its Retry-After reach our limiter, and owns the single retry
layer: token bucket, bounded concurrency, exponential backoff with jitter,
circuit breaker, error mapping, metrics. Counters are also kept per export (via a
context variable the fetcher sets), so progress can report each export's traffic.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
import random
import ssl
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from notion_client import AsyncClient

from notion_sync.core import metrics
from notion_sync.core.config import NotionSettings
from notion_sync.core.errors import NotionError, RateLimited
from notion_sync.core.logs import current_export
from notion_sync.notion.breaker import BreakerState, CircuitBreaker
from notion_sync.notion.errors import map_notion_errors
from notion_sync.notion.ratelimit import AdaptiveTokenBucket

__all__ = ["NotionGateway", "TrafficStats", "warm_up"]

log = logging.getLogger(__name__)

#: 429s are Notion telling us to wait, not a failure: they get a larger budget of their own.
MAX_RATE_LIMITED_RETRIES = 50


@dataclass
class TrafficStats:
    requests: int = 0
    rate_limited: int = 0
    retries: int = 0
    waited_seconds: float = 0.0

    def take(self) -> TrafficStats:
        """Return the counts so far and reset them (for delta reports)."""
        snapshot = TrafficStats(self.requests, self.rate_limited, self.retries, self.waited_seconds)
        self.requests = self.rate_limited = self.retries = 0
        self.waited_seconds = 0.0
        return snapshot


class NotionGateway:
    """Rate-limited, retrying access to one integration's view of Notion.

    :param settings: limits, retries, breaker and base URL.
    :param token: the integration token, resolved on this worker; never logged.
    :param integration: the token's reference name, used in metrics and logs.
    """

    def __init__(
        self,
        settings: NotionSettings,
        token: str,
        integration: str,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.integration = integration
        self._sleep = sleep
        self._rng = rng or random.Random()
        # No more connections than requests in flight: httpcore checks every pooled
        # connection for expiry whenever a request starts or ends.
        self._http = httpx.AsyncClient(limits=_pool(settings.concurrency), verify=_tls())
        self._client = AsyncClient(
            auth=token,
            base_url=settings.base_url.rstrip("/"),
            client=self._http,
            retry=False,
            timeout_ms=int(settings.timeout * 1000),
            log_level=logging.ERROR,  # our gateway reports failures itself, once
        )
        self._files = httpx.AsyncClient(
            timeout=settings.timeout, follow_redirects=True, verify=_tls()
        )
        self.limiter = AdaptiveTokenBucket(settings.rate, settings.burst, sleep=sleep)
        self._endpoint_limiters = {
            name: AdaptiveTokenBucket(rate, max(1, int(rate)), sleep=sleep)
            for name, rate in settings.endpoint_rates.items()
        }
        self.breaker = CircuitBreaker(
            settings.breaker_threshold,
            settings.breaker_cooldown,
            give_up_after=settings.give_up_after,
            sleep=sleep,
            on_change=self._breaker_changed,
        )
        self._in_flight = asyncio.Semaphore(settings.concurrency)
        self.totals = TrafficStats()
        self._by_export: defaultdict[str, TrafficStats] = defaultdict(TrafficStats)
        #: Closed on shutdown: nothing is retried any more, so the worker stops promptly.
        self.closed = False

    def _breaker_changed(self, state: BreakerState) -> None:
        metrics.CIRCUIT_STATE.labels(self.integration).set(int(state))
        name = state.name.lower().replace("_", "-")
        if state is BreakerState.CLOSED:
            log.info("circuit closed for integration %s", self.integration)
            return
        log.warning(
            "circuit %s for integration %s after %d failures in a row (last: %s)",
            name,
            self.integration,
            self.breaker.failures,
            self.breaker.last_failure,
        )

    def export_stats(self, export_id: str) -> TrafficStats:
        return self._by_export[export_id]

    def forget_export(self, export_id: str) -> None:
        self._by_export.pop(export_id, None)

    def _count(self, field: str, amount: float = 1) -> None:
        for stats in (self.totals, self._by_export[current_export.get() or ""]):
            setattr(stats, field, getattr(stats, field) + amount)

    async def aclose(self) -> None:
        self.closed = True
        await self._http.aclose()
        await self._files.aclose()

    async def _acquire(self, group: str) -> None:
        """Wait for the endpoint's cap (if any), then for the integration's bucket."""
        cap = self._endpoint_limiters.get(group)
        waited = await cap.acquire() if cap is not None else 0.0
        waited += await self.limiter.acquire()
        if waited:
            metrics.LIMITER_WAIT.labels(self.integration).inc(waited)
        metrics.LIMITER_TOKENS.labels(self.integration).set(self.limiter.tokens)

    async def _call(
        self, endpoint: str, group: str, send: Callable[[], Awaitable[Any]]
    ) -> dict[str, Any]:
        attempt = 0
        rate_limited = 0
        while True:
            await self.breaker.admit()
            try:
                # The slot first, the integration's token last, right before sending: a
                # request that took its token and then queued for a slot would go out
                # during a Retry-After pause that began while it queued.
                async with self._in_flight:
                    await self._acquire(group)
                    self._count("requests")
                    with map_notion_errors():
                        result: dict[str, Any] = await send()
            except RateLimited as exc:
                metrics.NOTION_REQUESTS.labels(endpoint, "429").inc()
                metrics.RATE_LIMITED.inc()
                metrics.RETRY_AFTER_WAIT.inc(exc.retry_after)
                self._count("rate_limited")
                self._count("waited_seconds", exc.retry_after)
                self.limiter.pause(exc.retry_after)
                self.breaker.release_probe()
                rate_limited += 1
                if rate_limited > MAX_RATE_LIMITED_RETRIES:
                    raise
                continue
            except NotionError as exc:
                metrics.NOTION_REQUESTS.labels(endpoint, str(exc.status or "error")).inc()
                if not exc.retryable:
                    self.breaker.release_probe()
                    raise
                self.breaker.record_failure(str(exc))
                if attempt >= self.settings.max_retries or self.closed:
                    raise
                attempt += 1
                self._count("retries")
                metrics.RETRIES.labels(type(exc).__name__).inc()
                ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2**attempt)
                await self._sleep(self._rng.uniform(ceiling / 2, ceiling))
                continue
            metrics.NOTION_REQUESTS.labels(endpoint, "200").inc()
            self.breaker.record_success()
            self.limiter.succeeded()
            # Response metadata, not part of the object: it would make every export differ.
            result.pop("request_id", None)
            return result

    async def search(self, cursor: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"page_size": self.settings.search_page_size}
        if cursor:
            body["start_cursor"] = cursor
        return await self._call("POST /v1/search", "search", lambda: self._client.search(**body))

    async def me(self) -> dict[str, Any]:
        """The integration's own bot user: the cheapest request that proves the token."""
        return await self._call("GET /v1/users/me", "users", lambda: self._client.users.me())

    async def users(self, cursor: str | None = None) -> dict[str, Any]:
        kwargs = _page_args(cursor)
        return await self._call("GET /v1/users", "users", lambda: self._client.users.list(**kwargs))

    async def retrieve_page(self, page_id: str) -> dict[str, Any]:
        return await self._call(
            "GET /v1/pages/{id}", "pages", lambda: self._client.pages.retrieve(page_id)
        )

    async def property_items(
        self, page_id: str, property_id: str, cursor: str | None = None
    ) -> dict[str, Any]:
        kwargs = _page_args(cursor)
        return await self._call(
            "GET /v1/pages/{id}/properties/{id}",
            "properties",
            lambda: self._client.pages.properties.retrieve(page_id, property_id, **kwargs),
        )

    async def retrieve_block(self, block_id: str) -> dict[str, Any]:
        return await self._call(
            "GET /v1/blocks/{id}", "blocks", lambda: self._client.blocks.retrieve(block_id)
        )

    async def block_children(self, block_id: str, cursor: str | None = None) -> dict[str, Any]:
        kwargs = _page_args(cursor)
        return await self._call(
            "GET /v1/blocks/{id}/children",
            "blocks",
            lambda: self._client.blocks.children.list(block_id, **kwargs),
        )

    async def retrieve_database(self, database_id: str) -> dict[str, Any]:
        return await self._call(
            "GET /v1/databases/{id}",
            "data_sources",
            lambda: self._client.databases.retrieve(database_id),
        )

    async def retrieve_data_source(self, data_source_id: str) -> dict[str, Any]:
        return await self._call(
            "GET /v1/data_sources/{id}",
            "data_sources",
            lambda: self._client.data_sources.retrieve(data_source_id),
        )

    async def query_data_source(
        self, data_source_id: str, cursor: str | None = None
    ) -> dict[str, Any]:
        body = _page_args(cursor)
        return await self._call(
            "POST /v1/data_sources/{id}/query",
            "data_sources",
            lambda: self._client.data_sources.query(data_source_id, **body),
        )

    async def comments(self, block_id: str, cursor: str | None = None) -> dict[str, Any]:
        kwargs = _page_args(cursor)
        return await self._call(
            "GET /v1/comments",
            "comments",
            lambda: self._client.comments.list(block_id=block_id, **kwargs),
        )

    async def result_pages(
        self,
        fetch: Callable[[str | None], Awaitable[dict[str, Any]]],
        each: Callable[[dict[str, Any]], Any] = lambda result: result,
    ) -> AsyncIterator[list[Any]]:
        """The results of a paginated endpoint, a response (≤100) at a time, each passed
        through ``each`` before the next response is read; the response is not kept."""
        cursor: str | None = None
        while True:
            page = await fetch(cursor)
            results = [each(result) for result in page.get("results") or []]
            cursor = page.get("next_cursor") if page.get("has_more") else None
            del page
            yield results
            if not cursor:
                return

    async def paginate(
        self, fetch: Callable[[str | None], Awaitable[dict[str, Any]]]
    ) -> AsyncIterator[dict[str, Any]]:
        """Every result of a paginated endpoint, following ``next_cursor``."""
        async for results in self.result_pages(fetch):
            for item in results:
                yield item

    @contextlib.asynccontextmanager
    async def download(self, url: str) -> AsyncIterator[httpx.Response]:
        """GET a file URL (S3 for Notion-hosted files), its body to be read as a stream.

        Not the API, so not its budget.
        """
        with map_notion_errors():
            async with self._files.stream("GET", url) as response:
                yield response


def warm_up() -> None:
    """Do before the event loop runs what the first gateway would do inside a fetch task:
    import httpcore (httpx imports it with its first client), anyio's asyncio backend and
    socket layer (httpcore's first lock and first connection load them), and parse the CA
    bundle. All are CPU-bound, and each held a worker's loop longer than any later step."""
    import anyio
    import httpcore  # noqa: F401

    with contextlib.suppress(ImportError):  # anyio's layout: the warm-up is only a head start
        importlib.import_module("anyio._backends._asyncio")
    _ = anyio.connect_tcp  # a lazy attribute: reading it imports anyio's socket layer
    _tls()


def _pool(size: int) -> httpx.Limits:
    return httpx.Limits(max_connections=size, max_keepalive_connections=size)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every client in the process: each parses the CA bundle (~0.7 MB)."""
    return httpx.create_ssl_context()


def _page_args(cursor: str | None) -> dict[str, Any]:
    args: dict[str, Any] = {"page_size": 100}
    if cursor:
        args["start_cursor"] = cursor
    return args
