"""Fault injection: deterministic random faults and scripted ones.

Random faults are a pure function of (seed, n), where n numbers the ``/v1`` requests that
reach the fault stage, so a given seed always yields the same fault sequence. Scripted
faults ("the next 5 requests answer 503") take precedence and are what tests use.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from .clock import Clock, SystemClock
from .ids import digest

__all__ = ["FAULT_STATUSES", "FaultInjector", "ScriptedFault"]

FAULT_STATUSES = (500, 502, 503, 504, 529)


@dataclass
class ScriptedFault:
    """``count`` more requests (or all requests until ``until``) answer ``status``.

    429 answers carry ``Retry-After: retry_after``.
    """

    status: int
    count: float
    retry_after: int = 1
    until: float | None = None


class FaultInjector:
    """Decides, per request, whether to answer with a fault instead of the result.

    :param seed: seed of the random fault sequence.
    :param rate: probability of a random fault per request.
    :param clock: time source for time-boxed scripts (``script(..., seconds=...)``).
    """

    def __init__(self, seed: int, rate: float, clock: Clock | None = None) -> None:
        self.seed = seed
        self.rate = rate
        self.clock: Clock = clock or SystemClock()
        self._n = 0
        self._script: deque[ScriptedFault] = deque()
        self._lock = threading.Lock()

    def script(
        self, status: int, count: int | None = 1, retry_after: int = 1, seconds: float | None = None
    ) -> None:
        """Make the next ``count`` ``/v1`` requests answer ``status``.

        With ``seconds`` (and ``count=None``), every request answers ``status`` for that
        long (by the sandbox clock, counted from this call): "503 for a while". With both,
        whichever runs out first ends the script. 429 answers carry
        ``Retry-After: retry_after``; 500/502/503/504/529 carry Notion's error bodies.
        Scripts queue up behind each other.
        """
        if status != 429 and status not in FAULT_STATUSES:
            raise ValueError(f"cannot script status {status}")
        if (count is None and seconds is None) or (count is not None and count < 1):
            raise ValueError("count must be at least 1, or give seconds")
        if retry_after < 1 or (seconds is not None and seconds <= 0):
            raise ValueError("retry_after and seconds must be positive")
        until = None if seconds is None else self.clock.now() + seconds
        with self._lock:
            self._script.append(
                ScriptedFault(status, math.inf if count is None else count, retry_after, until)
            )

    def clear(self) -> None:
        """Drop all scripted faults (random faults continue at ``rate``)."""
        with self._lock:
            self._script.clear()

    def pending(self) -> float:
        """How many scripted faults are still to come (``inf`` while a timed one runs)."""
        with self._lock:
            self._expire(self.clock.now())
            return sum(s.count for s in self._script)

    def _expire(self, now: float) -> None:
        while self._script and (
            self._script[0].count <= 0
            or (self._script[0].until is not None and now >= self._script[0].until)
        ):
            self._script.popleft()

    def next_scripted(self) -> ScriptedFault | None:
        """Take one scripted fault, if any is due."""
        with self._lock:
            self._expire(self.clock.now())
            if not self._script:
                return None
            head = self._script[0]
            head.count -= 1
            return ScriptedFault(head.status, 1, head.retry_after)

    def next_random(self) -> int | None:
        """The status of the next request's random fault, or None."""
        with self._lock:
            n = self._n
            self._n += 1
        return self.random_fault(n)

    def random_fault(self, n: int) -> int | None:
        """The random fault of request number ``n`` (pure; used for determinism tests)."""
        if self.rate <= 0.0:
            return None
        if digest(self.seed, "fault", n) / 2.0**64 >= self.rate:
            return None
        return FAULT_STATUSES[digest(self.seed, "fault-status", n) % len(FAULT_STATUSES)]
