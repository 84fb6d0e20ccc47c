"""Time sources for the sandbox.

Everything in the sandbox that depends on time (the rate limiter, Retry-After bookkeeping,
file URL expiry) reads one injectable clock, so tests can move time forward instead of
sleeping.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

__all__ = ["Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """A source of wall-clock time in Unix seconds."""

    def now(self) -> float:
        """Return the current time in seconds since the Unix epoch."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        """Return :func:`time.time`."""
        return time.time()


class ManualClock:
    """A clock that only moves when told to, for tests that must not sleep.

    :param start: the initial time in Unix seconds (defaults to the real time now, so that
        URLs and timestamps still look current).
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the current manual time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` and return the new time."""
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, when: float) -> None:
        """Jump to an absolute time (which may not go backwards)."""
        with self._lock:
            if when < self._now:
                raise ValueError("ManualClock cannot go backwards")
            self._now = when
