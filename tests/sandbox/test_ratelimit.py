"""The per-token rate limiter: 429 + integer Retry-After, and honest clients see none."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest

from notion_sync.sandbox import ManualClock, Sandbox
from notion_sync.sandbox.ratelimit import RETRY_AFTER_GRACE, RateLimiter

from . import shapes
from .helpers import get

Factory = Callable[..., Awaitable[Sandbox]]


@pytest.mark.asyncio
async def test_burst_then_429_then_honest_client(
    sandbox_factory: Factory, manual_clock: ManualClock
) -> None:
    sb = await sandbox_factory(pages=30, rate=3.0, burst=10, clock=manual_clock)
    async with httpx.AsyncClient(timeout=60) as http:
        burst = [await get(http, sb, "users/me") for _ in range(11)]
        assert [r.status_code for r in burst] == [200] * 10 + [429]
        limited = burst[-1]
        shapes.error(limited.json(), 429, "rate_limited")
        retry_after = limited.headers["Retry-After"]
        assert retry_after.isdigit() and int(retry_after) >= 1
        manual_clock.advance(0.3)
        assert (await get(http, sb, "users/me")).status_code == 429
        assert sb.stats()["retry_after_violations"] == 1  # the 12th came during the pause
        sb.reset_stats()
        # An honest client waits Retry-After, then stays at the average rate.
        manual_clock.advance(int(retry_after))
        statuses = []
        for _ in range(30):
            statuses.append((await get(http, sb, "users/me")).status_code)
            manual_clock.advance(1 / 3)
    assert statuses == [200] * 30
    stats = sb.stats()
    assert stats["rate_limited"] == 0 and stats["retry_after_violations"] == 0


@pytest.mark.asyncio
async def test_rate_limit_is_per_token(sandbox_factory: Factory, manual_clock: ManualClock) -> None:
    sb = await sandbox_factory(pages=30, rate=1.0, burst=2, clock=manual_clock)
    limiter = sb.state.limiter
    assert [limiter.check("a").allowed for _ in range(3)] == [True, True, False]
    assert limiter.check("b").allowed
    manual_clock.advance(1.0)
    assert limiter.check("a").allowed


def test_retry_after_rounds_up_to_whole_seconds() -> None:
    clock = ManualClock(1000.0)
    limiter = RateLimiter(0.25, 1, clock)
    assert limiter.check("t").allowed
    denied = limiter.check("t")
    assert not denied.allowed and denied.retry_after == 4
    clock.advance(3.9)
    assert limiter.check("t").violation  # came back before the pause ended
    clock.advance(4.0)
    decision = limiter.check("t")
    assert decision.allowed and not decision.violation


def test_a_request_already_leaving_when_the_429_is_answered_is_not_a_violation() -> None:
    clock = ManualClock(1000.0)
    limiter = RateLimiter(1.0, 1, clock)
    assert limiter.check("t").allowed
    assert not limiter.check("t").allowed  # paused from 1000 until 1001
    clock.advance(RETRY_AFTER_GRACE / 2)
    assert not limiter.check("t", sent_at=clock.now()).violation
    clock.advance(RETRY_AFTER_GRACE)
    assert limiter.check("t", sent_at=clock.now()).violation


def test_a_client_sending_through_the_pause_is_counted_each_time() -> None:
    """Its own 429s lengthen the pause but do not restart the grace that excuses it."""
    clock = ManualClock(1000.0)
    limiter = RateLimiter(0.25, 1, clock)
    assert limiter.check("t").allowed
    decisions = []
    for _ in range(20):  # every 0.1 s for 2 s, never waiting
        decisions.append(limiter.check("t", sent_at=clock.now()))
        clock.advance(0.1)
    assert not any(d.allowed for d in decisions)
    assert RETRY_AFTER_GRACE < 0.3
    assert [d.violation for d in decisions] == [False] * 3 + [True] * 17


def test_a_scripted_pause_after_the_last_one_ended_has_its_own_grace() -> None:
    clock = ManualClock(1000.0)
    limiter = RateLimiter(math.inf, 1, clock)
    limiter.pause("t", 1)
    clock.advance(1.5)
    limiter.pause("t", 1)
    assert not limiter.is_paused("t", sent_at=clock.now())
    clock.advance(RETRY_AFTER_GRACE)
    assert limiter.is_paused("t", sent_at=clock.now())


@pytest.mark.asyncio
async def test_real_time_client_honouring_retry_after(sandbox_factory: Factory) -> None:
    """With the real clock: a client that sleeps Retry-After gets through."""
    sb = await sandbox_factory(pages=30, rate=5.0, burst=3)
    async with httpx.AsyncClient(timeout=60) as http:
        done = 0
        started = time.monotonic()
        while done < 8:
            resp = await get(http, sb, "users")
            if resp.status_code == 429:
                await asyncio.sleep(int(resp.headers["Retry-After"]))
                continue
            assert resp.status_code == 200
            done += 1
    assert time.monotonic() - started < 10
    stats = sb.stats()
    assert stats["retry_after_violations"] == 0
    assert stats["rate_limited"] >= 1
