"""The query side: what export-events says about each export (read-only, from any host).

``ExportView`` folds an export's events into its current state; ``read_events``
reads the topic with a throwaway consumer (no group commits), either up to the
end as it is now (``status``) or on until told to stop (``--follow``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from notion_sync.core.errors import SchemaError
from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.kafka.codec import Decoded, decode
from notion_sync.kafka.connection import PLAINTEXT
from notion_sync.kafka.topic_reader import read_topic

__all__ = ["ExportView", "fold", "latest", "read_events", "summary", "summary_row"]


@dataclass
class ExportView:
    export_id: str
    state: str = "requested"
    out_dir: str | None = None
    formats: list[str] = field(default_factory=list)
    started_at: int | None = None
    finished_at: int | None = None
    scheduled: int = 0
    fetched: int = 0
    skipped: int = 0
    failed: int = 0
    requests: int = 0
    rate_limited: int = 0
    circuit: str = "closed"
    written: dict[str, int] = field(default_factory=dict)
    reason: str | None = None
    #: ExportFailed's machine-readable cause (``unauthorized``, ``render_failed``, …).
    code: str | None = None
    failures: list[dict[str, str]] = field(default_factory=list)
    pages: int = 0
    data_sources: int = 0
    unchanged: int = 0
    #: Whether the workspace has been listed to the end: until then ``scheduled`` is
    #: what the listing has found so far, a little ahead of ``fetched``.
    listed: bool = False

    @property
    def finished(self) -> bool:
        return self.state in ("completed", "failed")

    def apply(self, decoded: Decoded) -> None:
        record = decoded.record
        if decoded.name == "ExportStarted":
            self.state = "running" if self.state == "requested" else self.state
            self.out_dir = record["out_dir"]
            self.formats = list(record["formats"])
            self.started_at = record["started_at"]
        elif decoded.name == "ExportProgress" and not self.finished:
            self.state = record["state"]
            for name in ("scheduled", "fetched", "skipped", "failed", "requests", "rate_limited"):
                setattr(self, name, max(getattr(self, name), record[name]))
            self.circuit = record["circuit"]
        elif decoded.name == "PlanningCompleted":
            self.listed = True
        elif decoded.name == "ExportCompleted" and not self.finished:
            self.state = "completed"
            self.finished_at = record["finished_at"]
            self.written = dict(record["written"])
            self.failures = list(record["failures"])
            self.skipped, self.failed = record["skipped"], record["failed"]
            self.requests, self.rate_limited = record["requests"], record["rate_limited"]
            self.pages, self.data_sources = record["pages"], record["data_sources"]
            self.unchanged = record["unchanged"]
            self.out_dir = record["out_dir"]
        elif decoded.name == "ExportFailed" and not self.finished:
            self.state = "failed"
            self.finished_at = record["finished_at"]
            self.reason = record["reason"]
            self.code = record["code"]


def fold(
    events: Iterator[Decoded], views: dict[str, ExportView] | None = None
) -> dict[str, ExportView]:
    views = {} if views is None else views
    for decoded in events:
        export_id = decoded.record.get("export_id")
        if isinstance(export_id, str):
            views.setdefault(export_id, ExportView(export_id)).apply(decoded)
    return views


def read_events(
    bootstrap: str,
    topic: str,
    *,
    follow: bool = False,
    stop: Callable[[], bool] = lambda: False,
    timeout: float = 10.0,
    security: KafkaSecurity = PLAINTEXT,
) -> Iterator[Decoded]:
    """Every decodable event on ``topic`` from the beginning (see :func:`read_topic`)."""
    for _partition, _offset, _key, value in read_topic(
        bootstrap, topic, follow=follow, stop=stop, timeout=timeout, security=security
    ):
        try:
            yield decode(value)
        except SchemaError:
            continue


def latest(views: dict[str, ExportView]) -> list[ExportView]:
    """Exports newest first."""
    return sorted(views.values(), key=lambda v: v.started_at or 0, reverse=True)


def summary_row(view: ExportView) -> dict[str, Any]:
    """What ``status`` lists for an export (and ``status --json`` prints)."""
    return {
        "export_id": view.export_id,
        "state": view.state,
        "documents": view.pages + view.data_sources or view.fetched,
        "skipped": view.skipped,
        "failed": view.failed,
        "requests": view.requests,
        "out_dir": view.out_dir,
    }


def summary(view: ExportView) -> dict[str, Any]:
    """Everything known about one export, for ``--json`` and the final summary."""
    return {
        "export_id": view.export_id,
        "state": view.state,
        "out_dir": view.out_dir,
        "formats": view.formats,
        "started_at": view.started_at,
        "finished_at": view.finished_at,
        "pages": view.pages,
        "data_sources": view.data_sources,
        "unchanged": view.unchanged,
        "scheduled": view.scheduled,
        "fetched": view.fetched,
        "skipped": view.skipped,
        "failed": view.failed,
        "written": view.written,
        "requests": view.requests,
        "rate_limited": view.rate_limited,
        "reason": view.reason,
        "code": view.code,
        "failures": view.failures,
    }
