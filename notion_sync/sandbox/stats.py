"""Request accounting for ``GET /__sandbox/stats``."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

__all__ = ["Stats"]


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

    def request(self, endpoint: str, status: int) -> None:
        """Count one ``/v1`` request answered with ``status``."""
        with self._lock:
            self._requests_total += 1
            self._by_endpoint[endpoint][str(status)] += 1

    def bump(self, counter: str) -> None:
        """Add one to a named counter."""
        with self._lock:
            self._counters[counter] += 1

    def snapshot(self) -> dict[str, Any]:
        """A JSON-ready copy of all counters."""
        with self._lock:
            return {
                "requests_total": self._requests_total,
                "by_endpoint": {k: dict(v) for k, v in sorted(self._by_endpoint.items())},
                **self._counters,
            }
