"""Request accounting for ``GET /__sandbox/stats``.

Beside the server-wide totals, each integration (token) has its own line: requests,
429s, Retry-After violations, and the most requests it had admitted within one second
of the sandbox's clock, which shows whether a client kept to that integration's budget
(a token bucket lets through at most ``burst + rate`` in any one second).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

__all__ = ["Stats"]


#: Seconds of per-second counts kept per integration: requests reach the server a little
#: out of order, never by more than this.
_SECONDS_KEPT = 8


class _IntegrationStats:
    """One integration's counters."""

    def __init__(self) -> None:
        self.requests = 0
        self.rate_limited = 0
        self.retry_after_violations = 0
        self.peak_per_second = 0
        self._per_second: dict[int, int] = {}

    def admitted(self, second: int) -> None:
        count = self._per_second[second] = self._per_second.get(second, 0) + 1
        self.peak_per_second = max(self.peak_per_second, count)
        if len(self._per_second) > _SECONDS_KEPT:
            del self._per_second[min(self._per_second)]

    def snapshot(self) -> dict[str, int]:
        return {
            "requests": self.requests,
            "rate_limited": self.rate_limited,
            "retry_after_violations": self.retry_after_violations,
            "peak_per_second": self.peak_per_second,
        }


class Stats:
    """Thread-safe counters; :meth:`snapshot` is the JSON served at /__sandbox/stats."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._requests_total = 0
            self._by_endpoint: defaultdict[str, defaultdict[str, int]] = defaultdict(
                lambda: defaultdict(int)
            )
            self._counters = {
                "rate_limited": 0,
                "faults": 0,
                "file_downloads": 0,
                "expired_file_requests": 0,
                "retry_after_violations": 0,
            }
            self._by_integration: defaultdict[str, _IntegrationStats] = defaultdict(
                _IntegrationStats
            )

    def request(
        self, endpoint: str, status: int, integration: str | None = None, at: float = 0.0
    ) -> None:
        """Count one ``/v1`` request answered with ``status``; one of a known
        ``integration`` that reached the server at ``at`` (the sandbox's clock) counts
        on its line too, and towards its peak second unless it was refused with a 429."""
        with self._lock:
            self._requests_total += 1
            self._by_endpoint[endpoint][str(status)] += 1
            if integration is not None:
                line = self._by_integration[integration]
                line.requests += 1
                if status != 429:
                    line.admitted(int(at))

    def bump(self, counter: str, integration: str | None = None) -> None:
        """Add one to a named counter, and to the integration's if it has one by that name."""
        with self._lock:
            self._counters[counter] += 1
            if integration is not None and counter in ("rate_limited", "retry_after_violations"):
                line = self._by_integration[integration]
                setattr(line, counter, getattr(line, counter) + 1)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy of all counters."""
        with self._lock:
            return {
                "requests_total": self._requests_total,
                "by_endpoint": {k: dict(v) for k, v in sorted(self._by_endpoint.items())},
                **self._counters,
                "by_integration": {
                    name: line.snapshot() for name, line in sorted(self._by_integration.items())
                },
            }
