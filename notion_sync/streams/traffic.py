"""Reporting an export's Notion traffic to the ledger, a task's worth at a time (pure)."""

from __future__ import annotations

from typing import Protocol

from notion_sync.core.records import FetchStats

__all__ = ["Counts", "traffic_report"]


class Counts(Protocol):
    """An export's traffic since the last report (the gateway's ``TrafficStats``)."""

    requests: int
    rate_limited: int
    retries: int
    waited_seconds: float


def traffic_report(export_id: str, counts: Counts, circuit: str) -> FetchStats | None:
    """The FetchStats to send, or None when the task sent nothing and waited for nothing."""
    if not (counts.requests or counts.rate_limited or counts.retries):
        return None
    return FetchStats(
        export_id=export_id,
        requests=counts.requests,
        rate_limited=counts.rate_limited,
        retries=counts.retries,
        waited_seconds=counts.waited_seconds,
        circuit=circuit,
    )
