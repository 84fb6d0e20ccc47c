"""Issue 6: the gateway's retries, 429 pauses, caps and breaker, against the in-process sandbox."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from notion_sync.core.config import NotionSettings
from notion_sync.core.errors import NotFound, NotionUnavailable, NotionUnreachable, Unauthorized
from notion_sync.notion.breaker import BreakerState
from notion_sync.notion.client import NotionGateway
from notion_sync.sandbox import Sandbox

Factory = Callable[..., Awaitable[Sandbox]]
GatewayFactory = Callable[..., Awaitable[tuple[Sandbox, NotionGateway]]]


@pytest.fixture
async def gateway_factory(sandbox_factory: Factory) -> AsyncIterator[GatewayFactory]:
    made: list[NotionGateway] = []

    async def make(
        token: str | None = None, sandbox: dict[str, Any] | None = None, **settings: Any
    ) -> tuple[Sandbox, NotionGateway]:
        sb = await sandbox_factory(**{"pages": 20, **(sandbox or {})})
        defaults: dict[str, Any] = {
            "rate": 1000.0,
            "burst": 100,
            "backoff_base": 0.01,
            "backoff_max": 0.05,
        }
        gateway = NotionGateway(
            NotionSettings(base_url=sb.base_url, **{**defaults, **settings}),
            token or sb.token,
            "sandbox",
        )
        made.append(gateway)
        return sb, gateway

    yield make
    for gateway in made:
        await gateway.aclose()


def _first_page(sb: Sandbox, *, shared: bool = True) -> str:
    return next(
        str(p["id"]) for p in sb.manifest()["pages"] if p["shared"] is shared and not p["in_trash"]
    )


def _count(sb: Sandbox, status: str) -> int:
    return sum(statuses.get(status, 0) for statuses in sb.stats()["by_endpoint"].values())


async def test_5xx_and_529_are_retried_until_success(gateway_factory: GatewayFactory) -> None:
    sb, gateway = await gateway_factory()
    page_id = _first_page(sb)
    for status in (500, 502, 503, 504, 529):
        sb.faults.script(status=status, count=1)
    page = await gateway.retrieve_page(page_id)
    assert page["id"] == page_id
    assert sb.stats()["requests_total"] == 6
    assert gateway.totals.retries == 5


async def test_retries_are_bounded(gateway_factory: GatewayFactory) -> None:
    sb, gateway = await gateway_factory(max_retries=3)
    sb.faults.script(status=503, count=10)
    with pytest.raises(NotionUnavailable, match="503"):
        await gateway.retrieve_page(_first_page(sb))
    assert sb.stats()["requests_total"] == 4


async def test_404_and_401_are_not_retried(gateway_factory: GatewayFactory) -> None:
    sb, gateway = await gateway_factory()
    with pytest.raises(NotFound, match="object_not_found"):
        await gateway.retrieve_page(_first_page(sb, shared=False))
    assert sb.stats()["requests_total"] == 1

    wrong = "secret-wrong-token-123"
    sb, gateway = await gateway_factory(token=wrong)
    with pytest.raises(Unauthorized, match="unauthorized") as caught:
        await gateway.search()
    assert wrong not in str(caught.value)
    assert sb.stats()["requests_total"] == 1 and _count(sb, "401") == 1


async def test_429_pauses_every_request_for_retry_after_and_lowers_the_rate(
    gateway_factory: GatewayFactory,
) -> None:
    sb, gateway = await gateway_factory(concurrency=4, sandbox={"latency_ms": 20})
    page_id = _first_page(sb)
    sb.faults.script(status=429, count=1, retry_after=1)
    started = time.monotonic()
    pages = await asyncio.gather(*(gateway.retrieve_page(page_id) for _ in range(8)))
    elapsed = time.monotonic() - started
    assert all(p["id"] == page_id for p in pages)
    stats = sb.stats()
    assert stats["rate_limited"] == 1
    assert stats["retry_after_violations"] == 0, stats
    assert elapsed >= 1.0
    assert gateway.limiter.rate < gateway.limiter.ceiling
    assert gateway.totals.rate_limited == 1 and gateway.totals.waited_seconds == 1.0


async def test_endpoint_caps_hold_inside_the_integration_budget(
    gateway_factory: GatewayFactory,
) -> None:
    sb, gateway = await gateway_factory(endpoint_rates={"comments": 10.0})
    page_id = _first_page(sb)
    started = time.monotonic()
    await asyncio.gather(*(gateway.retrieve_page(page_id) for _ in range(20)))
    uncapped = time.monotonic() - started
    started = time.monotonic()
    await asyncio.gather(*(gateway.comments(page_id) for _ in range(20)))
    capped = time.monotonic() - started
    assert capped >= 0.9  # 10 in the burst, 10 more at 10/s
    assert uncapped < 0.9


async def test_breaker_opens_on_503s_then_closes_after_recovery(
    gateway_factory: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sb, gateway = await gateway_factory(breaker_threshold=3, breaker_cooldown=0.2, max_retries=30)
    page_id = _first_page(sb)
    sb.faults.script(status=503, count=None, seconds=1.0)
    caplog.set_level(logging.INFO, logger="notion_sync.notion.client")
    started = time.monotonic()
    page = await gateway.retrieve_page(page_id)
    elapsed = time.monotonic() - started
    assert page["id"] == page_id
    states = [
        r.getMessage().split()[1] for r in caplog.records if r.getMessage().startswith("circuit")
    ]
    assert states[0] == "open" and "half-open" in states and states[-1] == "closed", states
    assert gateway.breaker.state is BreakerState.CLOSED
    assert elapsed >= 1.0
    # Open means waiting, not hammering: a handful of probes in a second of outage.
    assert _count(sb, "503") <= 3 + 4, sb.stats()


async def test_an_outage_longer_than_give_up_after_fails_with_the_last_error(
    gateway_factory: GatewayFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sb, gateway = await gateway_factory(
        breaker_threshold=2, breaker_cooldown=0.1, max_retries=100, give_up_after=1.0
    )
    page_id = _first_page(sb)
    sb.faults.script(status=503, count=None, seconds=30.0)
    caplog.set_level(logging.WARNING, logger="notion_sync.notion.client")
    started = time.monotonic()
    with pytest.raises(NotionUnreachable, match=r"gave up .*Last error: .*503"):
        await gateway.retrieve_page(page_id)
    assert 1.0 <= time.monotonic() - started < 5.0
    opened = [r.getMessage() for r in caplog.records if "circuit open" in r.getMessage()]
    assert opened and "(last: " in opened[0] and "503" in opened[0], opened
    assert gateway.breaker.state is BreakerState.CLOSED  # the next export tries afresh
