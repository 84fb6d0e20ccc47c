"""The ledger: follows each export to exactly one end.

State lives in two changelogged tables co-partitioned with export-events (keyed by
export id): ``ledger-exports`` holds each export's request and phase, and
``ledger-documents`` holds one entry per owed document. A document moves from
owed to a final outcome once, so re-delivered events (at-least-once) change
nothing; the per-export counts are derived from the document entries (rebuilt
after a restart or rebalance), never stored beside them where a crash could set
them apart. When planning is complete and nothing is owed, the ledger asks for
the render; the render agent answers with ExportCompleted.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import faust

from notion_sync.core import metrics
from notion_sync.kafka import table_store
from notion_sync.kafka.events import Emitter, now_ms
from notion_sync.kafka.tables import delete_export_entries, export_entries
from notion_sync.streams.tasks import task_record

__all__ = ["FINAL_OUTCOMES", "Ledger", "register_ledger"]

log = logging.getLogger(__name__)

FINAL_OUTCOMES = ("assembled", "unchanged", "expanded", "skipped", "failed")
PROGRESS_INTERVAL = 0.5
LEDGER_EVENTS = (
    "ExportStarted",
    "DocumentsScheduled",
    "PlanningCompleted",
    "DocumentDone",
    "FetchStats",
    "RenderRequested",
    "ExportProgress",
    "ExportCompleted",
    "ExportFailed",
)


class Ledger:
    def __init__(self, app: faust.App, emitter: Emitter, partitions: int) -> None:
        self.app = app
        self.emitter = emitter
        self.exports = app.Table(
            "ledger-exports",
            default=None,
            partitions=partitions,
        )
        self.documents = app.Table(
            "ledger-documents",
            default=None,
            partitions=partitions,
            store=table_store.URL,
        )
        self._counts: dict[str, Counter[str]] = {}
        self._last_progress: dict[str, float] = {}

    def forget_counts(self) -> None:
        """After a rebalance another worker may have moved an export on: recount lazily."""
        self._counts.clear()

    def counts(self, export_id: str) -> Counter[str]:
        counts = self._counts.get(export_id)
        if counts is None:
            counts = Counter()
            for _key, value in export_entries(self.documents, export_id):
                if value:
                    counts["scheduled"] += 1
                    counts[value[0]] += 1
                    if value[0] in ("assembled", "unchanged"):
                        counts[f"kind:{value[1]}"] += 1
            self._counts[export_id] = counts
        return counts

    def documents_of(self, export_id: str) -> Iterator[tuple[str, list[Any]]]:
        """``(document id, [outcome, kind, reason])`` of the export, by id, read lazily."""
        start = len(export_id) + 1  # past "<export_id>/"
        for key, value in export_entries(self.documents, export_id):
            if value:
                yield key[start:], value

    def _update(self, export_id: str, **changes: Any) -> dict[str, Any]:
        meta = dict(
            self.exports.get(export_id)
            or {"state": "running", "requests": 0, "rate_limited": 0, "retries": 0}
        )
        meta.update(changes)
        self.exports[export_id] = meta
        return meta

    def _owe(self, export_id: str, doc_id: str, kind: str) -> None:
        key = f"{export_id}/{doc_id}"
        if self.documents.get(key) is None:
            counts = self.counts(export_id)
            self.documents[key] = ["owed", kind, None]
            metrics.TRACKED_DOCUMENTS.labels("ledger").set(len(self.documents))
            counts["scheduled"] += 1
            counts["owed"] += 1

    def _finish(self, record: dict[str, Any]) -> None:
        export_id = record["export_id"]
        key = f"{export_id}/{record['document_id']}"
        self._owe(export_id, record["document_id"], record["document_kind"])
        entry = self.documents.get(key)
        if entry and entry[0] == "owed":
            counts = self.counts(export_id)
            outcome = record["outcome"]
            self.documents[key] = [outcome, record["document_kind"], record.get("reason")]
            counts["owed"] -= 1
            counts[outcome] += 1
            if outcome in ("assembled", "unchanged"):
                counts[f"kind:{record['document_kind']}"] += 1

    async def _forget_documents(self, export_id: str) -> None:
        """An ended export needs no per-document state: drop it, so the table holds running
        exports only."""
        await delete_export_entries(self.app, self.documents, export_id)
        metrics.TRACKED_DOCUMENTS.labels("ledger").set(len(self.documents))
        self._counts.pop(export_id, None)
        self._last_progress.pop(export_id, None)

    async def _ended(self, export_id: str, meta: dict[str, Any]) -> None:
        await self._forget_documents(export_id)
        if meta.get("token_ref") and meta.get("out_dir"):
            forget = task_record(
                {
                    **meta,
                    "export_id": export_id,
                    "include_comments": False,
                    "download_external": False,
                    "mode": "workspace",
                },
                "forget",
            )
            await self.emitter.send(self.emitter.fetch, meta["token_ref"], "FetchTask", forget)

    async def apply(self, name: str, record: dict[str, Any]) -> None:
        export_id = record["export_id"]
        meta = self.exports.get(export_id) or {}
        ended = meta.get("state") in ("completed", "failed")
        if ended and name in ("DocumentsScheduled", "DocumentDone", "PlanningCompleted"):
            return  # late or re-delivered news about an export that is over
        if name == "ExportStarted":
            if not meta:
                self._update(export_id, **{k: v for k, v in record.items() if k != "export_id"})
        elif name == "DocumentsScheduled":
            for doc in record["documents"]:
                self._owe(export_id, doc["id"], doc["kind"])
        elif name == "DocumentDone":
            self._finish(record)
        elif name == "PlanningCompleted":
            self._update(export_id, planning_done=True, search_pages=record["search_pages"])
        elif name == "FetchStats":
            self._update(
                export_id,
                requests=meta.get("requests", 0) + record["requests"],
                rate_limited=meta.get("rate_limited", 0) + record["rate_limited"],
                retries=meta.get("retries", 0) + record["retries"],
                circuit=record["circuit"],
            )
        elif name == "ExportFailed":
            if meta.get("state") not in ("completed", "failed"):
                self._update(
                    export_id,
                    state="failed",
                    finished_at=record["finished_at"],
                    reason=record["reason"],
                )
                metrics.EXPORTS.labels("failed").inc()
                await self._ended(export_id, meta)
            return
        elif name == "ExportCompleted":
            if meta.get("state") != "completed":
                self._update(export_id, state="completed", finished_at=record["finished_at"])
                metrics.EXPORTS.labels("completed").inc()
                if meta.get("started_at"):
                    metrics.EXPORT_DURATION.observe(
                        max(0.0, (record["finished_at"] - meta["started_at"]) / 1000)
                    )
                await self._ended(export_id, meta)
            return
        else:
            return
        await self._advance(export_id)

    async def _advance(self, export_id: str) -> None:
        meta = self.exports.get(export_id) or {}
        if meta.get("state", "running") != "running" or "out_dir" not in meta:
            return
        counts = self.counts(export_id)
        finished = meta.get("planning_done") and counts["owed"] == 0
        if finished:
            # Ask first, then remember: a crash in between asks again (render is
            # idempotent), where the other order could leave the export waiting forever.
            await self.emitter.event(export_id, "RenderRequested", {"export_id": export_id})
            self._update(export_id, state="rendering")
            await self.progress(export_id, force=True)
        else:
            await self.progress(export_id)

    async def progress(self, export_id: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_progress.get(export_id, 0.0) < PROGRESS_INTERVAL:
            return
        self._last_progress[export_id] = now
        meta = self.exports.get(export_id) or {}
        counts = self.counts(export_id)
        await self.emitter.event(
            export_id,
            "ExportProgress",
            {
                "export_id": export_id,
                "state": meta.get("state", "running"),
                "scheduled": counts["scheduled"],
                "fetched": counts["assembled"] + counts["unchanged"] + counts["expanded"],
                "skipped": counts["skipped"],
                "failed": counts["failed"],
                "written": 0,
                "requests": meta.get("requests", 0),
                "rate_limited": meta.get("rate_limited", 0),
                "circuit": meta.get("circuit", "closed"),
                "at": now_ms(),
            },
        )


def register_ledger(app: faust.App, emitter: Emitter, partitions: int) -> Ledger:
    ledger = Ledger(app, emitter, partitions)

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]  # mode types sync receivers only
    async def _revoked(sender: Any, *_: Any, **__: Any) -> None:
        ledger.forget_counts()

    @app.agent(emitter.events, name="ledger")
    async def follow(stream: faust.StreamT[bytes]) -> None:
        async for _event, decoded in emitter.decoded(stream, LEDGER_EVENTS):
            await ledger.apply(decoded.name, decoded.record)

    return ledger
