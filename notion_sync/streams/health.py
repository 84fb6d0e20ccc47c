"""The worker's operator endpoints: ``/metrics``, ``/healthz`` and ``/readyz``.

A small aiohttp server of our own rather than Faust's web server: Faust's binds
0.0.0.0:6066 and drags in its own views, while probes and a Prometheus scrape need
three routes. It runs as a mode Service handed to ``faust.Worker``, so it starts
before the app joins the group (``/readyz`` answers 503 "starting" meanwhile) and
stops after it.

Readiness means: the broker accepts a TCP connection, this worker holds partitions,
and it is not stuck — stuck being "messages waiting on our partitions, yet no
position moved for ``stuck_after`` seconds". The same sampler sets the consumer-lag
gauge, so the numbers behind ``/readyz`` are the ones Prometheus sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

import faust
from aiohttp import web
from mode import Service
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from notion_sync.core.metrics import CONSUMER_LAG, REGISTRY

__all__ = ["HealthService", "Readiness"]

log = logging.getLogger(__name__)

LAG_INTERVAL = 5.0  # seconds between lag samples: cheap, and finer than a 15 s scrape
STUCK_AFTER = 300.0  # longer than the slowest document fetch under a full 429 back-off
CONNECT_TIMEOUT = 2.0


class Readiness:
    """What ``/readyz`` reports; updated by the sampler, read by the handler."""

    def __init__(self, stuck_after: float = STUCK_AFTER) -> None:
        self.stuck_after = stuck_after
        self.assigned = 0
        self.lag = 0
        self.sampled = False
        self._positions: dict[Any, int] = {}
        self._progress_at = time.monotonic()

    def observe(self, positions: dict[Any, int], lag: int) -> None:
        """Record one sample; progress is any position moving, or nothing left to read."""
        now = time.monotonic()
        if lag == 0 or positions != self._positions:
            self._progress_at = now
        self._positions = dict(positions)
        self.assigned = len(positions)
        self.lag = lag
        self.sampled = True

    def stuck_for(self) -> float:
        return time.monotonic() - self._progress_at if self.lag else 0.0


class HealthService(Service):
    """Serves the endpoints and samples consumer lag while the worker runs."""

    def __init__(
        self,
        app: faust.App,
        bootstrap: str,
        host: str,
        port: int,
        *,
        lag_interval: float = LAG_INTERVAL,
        stuck_after: float = STUCK_AFTER,
        **kwargs: Any,
    ) -> None:
        self.app = app
        self.brokers = [_host_port(part) for part in bootstrap.split(",") if part.strip()]
        self.host = host
        self.port = port
        self.lag_interval = lag_interval
        self.readiness = Readiness(stuck_after)
        self._runner: web.AppRunner | None = None
        super().__init__(**kwargs)

    async def on_start(self) -> None:
        web_app = web.Application()
        web_app.router.add_get("/metrics", self._metrics)
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/readyz", self._readyz)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("health server listening on http://%s:%d", self.host, self.port)
        self.add_future(self._sample_forever())

    async def on_stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _sample_forever(self) -> None:
        while not self.should_stop:
            try:
                await self.sample_lag()
            except Exception as exc:  # a probe must never take the worker down
                log.debug("lag sample failed: %s", exc)
            await self.sleep(self.lag_interval)

    def _assignment(self) -> set[Any]:
        """This worker's partitions; empty while the consumer has not started."""
        if not self.app.started:
            return set()
        try:
            return set(self.app.consumer.assignment())
        except Exception:  # ConsumerNotStarted and friends: nothing assigned yet
            return set()

    async def sample_lag(self) -> None:
        """Set ``CONSUMER_LAG`` per assigned partition: highwater minus position."""
        consumer = self.app.consumer if self.app.started else None
        positions: dict[Any, int] = {}
        total = 0
        for tp in sorted(self._assignment()):
            assert consumer is not None
            highwater = consumer.highwater(tp)
            position = await asyncio.wait_for(consumer.position(tp), CONNECT_TIMEOUT)
            if position is None:
                continue
            positions[tp] = position
            lag = max(0, (highwater or position) - position)
            total += lag
            CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(lag)
        self.readiness.observe(positions, total)

    async def broker_reachable(self) -> bool:
        for host, port in self.brokers:
            try:
                _, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port), CONNECT_TIMEOUT
                )
            except (OSError, TimeoutError):
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return True
        return False

    async def not_ready_reasons(self) -> list[str]:
        """Empty when ready; otherwise each failed condition in words an operator can act on."""
        reasons = []
        if not await self.broker_reachable():
            reasons.append("broker unreachable: " + ",".join(f"{h}:{p}" for h, p in self.brokers))
        if not self.app.started:
            reasons.append("starting")
        elif not self._assignment():
            reasons.append("no partitions assigned")
        stuck = self.readiness.stuck_for()
        if stuck > self.readiness.stuck_after:
            reasons.append(
                f"stuck: {self.readiness.lag} messages waiting, no progress for {stuck:.0f}s"
            )
        return reasons

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, request: web.Request) -> web.Response:
        return _json(200, {"status": "alive"})

    async def _readyz(self, request: web.Request) -> web.Response:
        reasons = await self.not_ready_reasons()
        body = {
            "ready": not reasons,
            "reasons": reasons,
            "partitions": len(self._assignment()),
            "lag": self.readiness.lag,
        }
        return _json(503 if reasons else 200, body)


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = address.strip().rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")
