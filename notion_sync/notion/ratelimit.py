"""An adaptive token bucket: one per integration, held by the fetcher that owns its partition.

It runs just under the configured rate and lets a burst through; a 429 pauses every
request until Retry-After has passed and lowers the rate, which then creeps back up
as requests succeed. Time is injectable so tests need no sleeps.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["AdaptiveTokenBucket"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
#: Float refills can land a hair under a whole token; waiting for that hair would spin.
_EPSILON = 1e-9


class AdaptiveTokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up.

    :param rate: the ceiling, in requests per second.
    :param burst: how many requests may go at once after a quiet spell.
    :param floor: the lowest fraction of ``rate`` a run of 429s can push it to.
    :param backoff: factor applied to the rate on each 429.
    :param recovery: fraction of the ceiling regained per success.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        floor: float = 0.2,
        backoff: float = 0.7,
        recovery: float = 0.01,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.ceiling = rate
        self.rate = rate
        self.burst = burst
        self._floor = rate * floor
        self._backoff = backoff
        self._recovery = recovery
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.waited = 0.0

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> float:
        """Wait for a token; returns the seconds waited."""
        waited = 0.0
        async with self._lock:
            while True:
                now = self._clock()
                if now < self._paused_until:
                    delay = self._paused_until - now
                else:
                    self._refill()
                    if self._tokens >= 1.0 - _EPSILON:
                        self._tokens = max(0.0, self._tokens - 1.0)
                        break
                    delay = (1.0 - self._tokens) / self.rate
                await self._sleep(delay)
                waited += delay
        self.waited += waited
        return waited

    def pause(self, seconds: float) -> None:
        """Notion said 429: nobody sends before ``seconds`` from now, and the rate drops."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._tokens = 0.0
        self._updated = self._clock()
        self.rate = max(self._floor, self.rate * self._backoff)

    def succeeded(self) -> None:
        """A request went through: creep back towards the ceiling."""
        if self.rate < self.ceiling:
            self.rate = min(self.ceiling, self.rate + self.ceiling * self._recovery)
