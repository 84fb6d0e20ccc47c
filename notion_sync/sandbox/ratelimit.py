"""Per-token token buckets and Retry-After bookkeeping.

Each token gets a bucket of ``burst`` requests refilled at ``rate`` per second. A request
that finds the bucket empty gets 429 with an integer ``Retry-After`` (seconds until a
request would be admitted, rounded up, at least 1). The limiter remembers until when each
token was told to pause; every request that token sends before then is counted as a
``retry_after_violation`` so tests can prove a client honours Retry-After. A request
counts only if it was sent (reached the server, before any simulated latency) after the
429 was answered: one already in flight then could not have known.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from .clock import Clock

__all__ = ["Decision", "RateLimiter"]


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
        return sent_at is None or sent_at >= self._paused_since.get(key, -math.inf)

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
            self._paused_since[key] = now
            self._paused_until[key] = max(self._paused_until.get(key, -math.inf), now + retry_after)
            return Decision(False, retry_after, violation)

    def pause(self, key: str, seconds: int) -> None:
        """Record that ``key`` was told to wait ``seconds`` (scripted 429s)."""
        now = self.clock.now()
        with self._lock:
            self._paused_since[key] = now
            self._paused_until[key] = max(self._paused_until.get(key, -math.inf), now + seconds)

    def is_paused(self, key: str, sent_at: float | None = None) -> bool:
        """Whether ``key`` is inside a Retry-After pause right now (and, given ``sent_at``,
        was told so before it sent this request)."""
        with self._lock:
            return self._violates(key, self.clock.now(), sent_at)
