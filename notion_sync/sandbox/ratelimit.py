"""Per-token token buckets and Retry-After bookkeeping.

Each token gets a bucket of ``burst`` requests refilled at ``rate`` per second. A request
that finds the bucket empty gets 429 with an integer ``Retry-After`` (seconds until a
request would be admitted, rounded up, at least 1). The limiter remembers until when each
token was told to pause; every request that token sends before then is counted as a
``retry_after_violation`` so tests can prove a client honours Retry-After.

A request counts only if it reached the server (before any simulated latency) more than
``RETRY_AFTER_GRACE`` seconds after the 429 that began the pause. A concurrent client
cannot stop a request it is already sending when a 429 arrives, and the server cannot
see when the client read the 429: it stamps requests only when its event loop gets to
them, which on a busy machine can be after a 429 it decided later. One turn of either
event loop is milliseconds, a busy machine's tens of them; a client that ignores
Retry-After keeps sending for the whole pause, at least a second, and is caught in the
rest of it.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from .clock import Clock

__all__ = ["RETRY_AFTER_GRACE", "Decision", "RateLimiter"]

#: Seconds after a 429 in which a request may have left its client before the 429 reached it.
RETRY_AFTER_GRACE = 0.25


@dataclass(frozen=True)
class Decision:
    """The limiter's verdict on one request."""

    allowed: bool
    retry_after: int = 0
    violation: bool = False


class RateLimiter:
    """Token buckets keyed by token.

    :param rate: requests per second on average (``math.inf`` disables limiting).
    :param burst: bucket capacity.
    :param clock: source of time.
    """

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._tokens: dict[str, float] = {}
        self._stamp: dict[str, float] = {}
        self._paused_until: dict[str, float] = {}
        self._paused_since: dict[str, float] = {}
        self._lock = threading.Lock()

    def _violates(self, key: str, now: float, sent_at: float | None) -> bool:
        if now >= self._paused_until.get(key, -math.inf):
            return False
        arrived = now if sent_at is None else sent_at
        return arrived >= self._paused_since.get(key, -math.inf) + RETRY_AFTER_GRACE

    def check(self, key: str, sent_at: float | None = None) -> Decision:
        """Consume one request for ``key`` if allowed (``sent_at``: when it reached us)."""
        now = self.clock.now()
        with self._lock:
            violation = self._violates(key, now, sent_at)
            if math.isinf(self.rate):
                return Decision(True, violation=violation)
            tokens = self._tokens.get(key, float(self.burst))
            last = self._stamp.get(key, now)
            tokens = min(float(self.burst), tokens + max(0.0, now - last) * self.rate)
            self._stamp[key] = now
            if tokens >= 1.0:
                self._tokens[key] = tokens - 1.0
                return Decision(True, violation=violation)
            self._tokens[key] = tokens
            retry_after = max(1, math.ceil((1.0 - tokens) / self.rate))
            self._pause(key, now, retry_after)
            return Decision(False, retry_after, violation)

    def pause(self, key: str, seconds: int) -> None:
        """Record that ``key`` was told to wait ``seconds`` (scripted 429s)."""
        with self._lock:
            self._pause(key, self.clock.now(), seconds)

    def _pause(self, key: str, now: float, seconds: int) -> None:
        """Begin a pause, or lengthen the one under way without restarting its grace:
        a client that keeps sending through it gets a 429 each time and must not be
        excused by the latest."""
        until = self._paused_until.get(key, -math.inf)
        if now >= until:
            self._paused_since[key] = now
        self._paused_until[key] = max(until, now + seconds)

    def is_paused(self, key: str, sent_at: float | None = None) -> bool:
        """Whether ``key`` is inside a Retry-After pause right now (and, given ``sent_at``,
        was told so before it sent this request)."""
        with self._lock:
            return self._violates(key, self.clock.now(), sent_at)
