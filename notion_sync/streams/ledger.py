"""The ledger agent: follows each export to exactly one end.

What an event does is decided in :mod:`notion_sync.streams.ledger_state` (pure);
this module holds the two changelogged tables, co-partitioned with export-events
(keyed by export id), and carries transitions out. ``ledger-exports`` holds each
export's :class:`ExportMeta`, ``ledger-documents`` a :class:`DocumentEntry` per owed
document; both store JSON-able builtins, converted with msgspec here and nowhere
else. The per-export counts are kept in memory, derived from the entries (rebuilt
after a restart or a rebalance). The render agent reads the ledger through its
methods (``export``, ``documents_of``, ``counts``), never through its tables.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import faust
import msgspec

from notion_sync.core import metrics
from notion_sync.core.errors import SchemaError
from notion_sync.core.records import ExportEvent
from notion_sync.kafka import table_store
from notion_sync.kafka.events import Emitter, now_ms
from notion_sync.kafka.tables import delete_export_entries, export_entries
from notion_sync.streams.ledger_state import ExportState, Transition, apply, documents_named
from notion_sync.streams.ledger_values import Counts, DocumentEntry, ExportMeta

__all__ = ["LEDGER_EVENTS", "Ledger", "register_ledger"]

log = logging.getLogger(__name__)

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
        self._exports = app.Table("ledger-exports", default=None, partitions=partitions)
        self._documents = app.Table(
            "ledger-documents", default=None, partitions=partitions, store=table_store.URL
        )
        self._counts: dict[str, Counts] = {}
        self._last_progress: dict[str, int] = {}

    def forget_counts(self) -> None:
        """After a rebalance another worker may have moved an export on: recount lazily."""
        self._counts.clear()

    def export(self, export_id: str) -> ExportMeta | None:
        value = self._exports.get(export_id)
        return None if value is None else msgspec.convert(value, ExportMeta)

    def documents_of(self, export_id: str) -> Iterator[tuple[str, DocumentEntry]]:
        """``(document id, entry)`` of every owed document of the export, by id, read lazily."""
        start = len(export_id) + 1  # past "<export_id>/"
        for key, value in export_entries(self._documents, export_id):
            yield key[start:], msgspec.convert(value, DocumentEntry)

    def counts(self, export_id: str) -> Counts:
        counts = self._counts.get(export_id)
        if counts is None:
            counts = Counts.of(entry for _, entry in self.documents_of(export_id))
            self._counts[export_id] = counts
        return counts

    def _entry(self, export_id: str, document_id: str) -> DocumentEntry | None:
        value = self._documents.get(f"{export_id}/{document_id}")
        return None if value is None else msgspec.convert(value, DocumentEntry)

    def decide(self, event: ExportEvent) -> Transition:
        """What ``event`` does, from what the tables hold (may raise ``SchemaError``)."""
        export_id = event.export_id
        state = ExportState(
            meta=self.export(export_id),
            counts=self.counts(export_id),
            last_progress=self._last_progress.get(export_id),
        )
        entries = {
            document_id: entry
            for document_id in documents_named(event)
            if (entry := self._entry(export_id, document_id)) is not None
        }
        return apply(state, event, entries, now_ms())

    async def carry_out(self, export_id: str, transition: Transition) -> None:
        """In :class:`Transition`'s order: entries, sends, meta."""
        for document_id, entry in transition.documents.items():
            self._documents[f"{export_id}/{document_id}"] = msgspec.to_builtins(entry)
        if transition.forget_documents:
            await delete_export_entries(self.app, self._documents, export_id)
        if transition.documents or transition.forget_documents:
            metrics.TRACKED_DOCUMENTS.labels("ledger").set(len(self._documents))
        state = transition.state
        if state.meta is not None and state.meta.phase.ended:
            self._counts.pop(export_id, None)
            self._last_progress.pop(export_id, None)
        else:
            self._counts[export_id] = state.counts
            if state.last_progress is not None:
                self._last_progress[export_id] = state.last_progress
        if transition.tasks:
            await self.emitter.publish(
                self.emitter.fetch, [(task.token_ref, task) for task in transition.tasks]
            )
        if transition.announce:
            await self.emitter.publish(
                self.emitter.events, [(event.export_id, event) for event in transition.announce]
            )
        if transition.meta is not None:
            self._exports[export_id] = msgspec.to_builtins(transition.meta)
        if transition.ended is not None:
            metrics.EXPORTS.labels(transition.ended.value).inc()
        if transition.duration is not None:
            metrics.EXPORT_DURATION.observe(transition.duration)


def register_ledger(app: faust.App, emitter: Emitter, partitions: int) -> Ledger:
    ledger = Ledger(app, emitter, partitions)

    @app.on_partitions_revoked.connect  # type: ignore[arg-type]  # mode types sync receivers only
    async def _revoked(sender: Any, *_: Any, **__: Any) -> None:
        ledger.forget_counts()

    @app.agent(emitter.events, name="ledger")
    async def follow(stream: faust.StreamT[bytes]) -> None:
        async for message, decoded in emitter.decoded(stream, LEDGER_EVENTS):
            event = decoded.event
            assert isinstance(event, ExportEvent)  # every name in LEDGER_EVENTS is one
            try:
                transition = ledger.decide(event)
            except SchemaError as exc:
                await emitter.dead_letter(message, f"{decoded.name}: {exc}", exc)
                continue
            await ledger.carry_out(event.export_id, transition)

    return ledger
