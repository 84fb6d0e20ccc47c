"""The query side: what export-events says about each export (read-only, from any host).

``ExportView`` folds an export's events into its current state; ``read_events``
reads the topic with a throwaway consumer (no group commits), either up to the
end as it is now (``status``) or on until told to stop (``--follow``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from notion_sync.errors import BrokerError, SchemaError
from schemas import Decoded, decode

__all__ = ["ExportView", "fold", "read_events"]


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
    failures: list[dict[str, str]] = field(default_factory=list)
    pages: int = 0
    data_sources: int = 0

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
        elif decoded.name == "ExportCompleted" and not self.finished:
            self.state = "completed"
            self.finished_at = record["finished_at"]
            self.written = dict(record["written"])
            self.failures = list(record["failures"])
            self.skipped, self.failed = record["skipped"], record["failed"]
            self.requests, self.rate_limited = record["requests"], record["rate_limited"]
            self.pages, self.data_sources = record["pages"], record["data_sources"]
            self.out_dir = record["out_dir"]
        elif decoded.name == "ExportFailed" and not self.finished:
            self.state = "failed"
            self.finished_at = record["finished_at"]
            self.reason = record["reason"]


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
) -> Iterator[Decoded]:
    """Every decodable event on ``topic`` from the beginning.

    Without ``follow`` it ends at the end offsets seen when it started; with it,
    it goes on until ``stop()`` is true.
    """
    from confluent_kafka import Consumer, KafkaException, TopicPartition

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"notion-sync-reader-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "log_level": 3,
        }
    )
    try:
        try:
            metadata = consumer.list_topics(topic, timeout=timeout)
        except KafkaException as exc:
            raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
        topic_meta = metadata.topics.get(topic)
        if topic_meta is None or topic_meta.error is not None or not topic_meta.partitions:
            return
        partitions = [TopicPartition(topic, p, 0) for p in sorted(topic_meta.partitions)]
        ends: dict[int, int] = {}
        for tp in partitions:
            low, high = consumer.get_watermark_offsets(tp, timeout=timeout)
            tp.offset = low
            if high > low:
                ends[tp.partition] = high
        consumer.assign(partitions)
        deadline = time.monotonic() + timeout
        while follow or ends:
            if follow and stop():
                return
            message = consumer.poll(0.2)
            if message is None:
                if not follow and time.monotonic() > deadline:
                    raise BrokerError(f"timed out reading {topic} at {bootstrap}")
                continue
            deadline = time.monotonic() + timeout
            if message.error():
                continue
            partition, offset = message.partition(), message.offset() or 0
            if not follow and partition in ends and offset + 1 >= ends[partition]:
                del ends[partition]
            try:
                yield decode(message.value())
            except SchemaError:
                continue
    finally:
        consumer.close()


def latest(views: dict[str, ExportView]) -> list[ExportView]:
    """Exports newest first."""
    return sorted(views.values(), key=lambda v: v.started_at or 0, reverse=True)


def summary_row(view: ExportView) -> dict[str, Any]:
    return {
        "export_id": view.export_id,
        "state": view.state,
        "documents": view.pages + view.data_sources or view.fetched,
        "skipped": view.skipped,
        "failed": view.failed,
        "requests": view.requests,
        "out_dir": view.out_dir,
    }
