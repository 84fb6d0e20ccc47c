from __future__ import annotations

import pytest

from notion_sync.notion.breaker import BreakerState, CircuitBreaker
from notion_sync.notion.ratelimit import AdaptiveTokenBucket


class FakeClock:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_burst_goes_at_once_then_the_rate_holds(clock: FakeClock) -> None:
    bucket = AdaptiveTokenBucket(rate=3.0, burst=5, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(5):
        await bucket.acquire()
    assert clock.now == start
    for _ in range(30):
        await bucket.acquire()
    assert clock.now - start == pytest.approx(10.0, rel=0.01)


async def test_429_pauses_everyone_and_lowers_then_restores_the_rate(clock: FakeClock) -> None:
    bucket = AdaptiveTokenBucket(rate=10.0, burst=10, clock=clock, sleep=clock.sleep, recovery=0.1)
    bucket.pause(2.0)
    paused_at = clock.now
    await bucket.acquire()
    assert clock.now - paused_at >= 2.0
    assert bucket.rate == pytest.approx(7.0)
    for _ in range(10):
        bucket.succeeded()
    assert bucket.rate == pytest.approx(10.0)


async def test_rate_never_drops_below_the_floor(clock: FakeClock) -> None:
    bucket = AdaptiveTokenBucket(rate=10.0, burst=1, clock=clock, sleep=clock.sleep, floor=0.2)
    for _ in range(20):
        bucket.pause(0.0)
    assert bucket.rate == pytest.approx(2.0)


async def test_breaker_opens_probes_half_open_and_closes(clock: FakeClock) -> None:
    changes: list[BreakerState] = []
    breaker = CircuitBreaker(3, 5.0, clock=clock, sleep=clock.sleep, on_change=changes.append)
    for _ in range(3):
        breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    opened = clock.now
    await breaker.admit()
    assert clock.now - opened >= 5.0
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert breaker.cooldown == 10.0
    await breaker.admit()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert changes == [
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.OPEN,
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
    ]


async def test_only_one_probe_while_half_open(clock: FakeClock) -> None:
    breaker = CircuitBreaker(1, 1.0, clock=clock, sleep=clock.sleep)
    breaker.record_failure()
    await breaker.admit()
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.release_probe()
    await breaker.admit()
    assert breaker.state is BreakerState.HALF_OPEN
