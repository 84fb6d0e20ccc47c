"""What the fetcher does with the documents a task found: owe, task, defer or drop (pure).

Each export owes a document once and tasks it once. The planned table remembers
which documents are owed (and tasked, or deferred); but a task writes the table
only once Kafka has acknowledged the documents it owes and the tasks it sends, so
documents that tasks in flight are owing or tasking are held in :class:`InFlight`
until then, and a document two tasks find at once is owed and tasked by one of them.

While search runs, a document found unlisted (as a ``child_page`` block, say) is
owed but deferred: search may list it whole and spare its retrieval. A deferred
document that search lists is tasked then; the rest are tasked when search ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import msgspec
import orjson

from notion_sync.core.records import DocumentKind, DocumentsScheduled, FetchTask, ScheduledDocument
from notion_sync.streams.tasks import child_task

__all__ = [
    "Discovered",
    "InFlight",
    "PlanState",
    "PlannedDocument",
    "Scheduled",
    "deferred_documents",
    "document_key",
    "keep_write",
    "schedule",
    "settle",
]


class PlanState(StrEnum):
    """Where an owed document is: its fetch task is sent, or it waits for search to end."""

    TASKED = "tasked"
    DEFERRED = "deferred"


class PlannedDocument(msgspec.Struct, frozen=True):
    """A planned-table entry: an owed document, and what its task will read."""

    state: PlanState
    kind: DocumentKind


@dataclass(frozen=True)
class Discovered:
    """A document found while fetching another one; ``listed`` is its object if the
    listing that found it served it whole."""

    id: str
    kind: DocumentKind
    listed: dict[str, Any] | orjson.Fragment | None = None


def document_key(export_id: str, document_id: str) -> str:
    """The key of a document's entry: an export's entries are one key range."""
    return f"{export_id}/{document_id}"


@dataclass(frozen=True)
class InFlight:
    """Entries that tasks in flight will write once Kafka has what they owe and send."""

    claims: Mapping[str, PlannedDocument] = field(default_factory=dict)


@dataclass(frozen=True)
class Scheduled:
    """What one task does with what it found, in this order: owe (and wait for the
    acknowledgement), send the tasks, write the entries (see :func:`keep_write`)."""

    owed: DocumentsScheduled | None
    tasks: list[FetchTask]
    writes: dict[str, PlannedDocument]


def _tasked(*entries: PlannedDocument | None) -> bool:
    return any(entry is not None and entry.state is PlanState.TASKED for entry in entries)


Lookup = Callable[[str], PlannedDocument | None]


def schedule(
    in_flight: InFlight,
    task: FetchTask,
    found: Iterable[Discovered],
    table: Lookup,
    *,
    search_done: bool,
) -> tuple[InFlight, Scheduled]:
    """Decide for each document ``task`` found, given the table's entries and the claims
    of the tasks in flight; the documents decided on are claimed until :func:`settle`."""
    claims = dict(in_flight.claims)
    owed: dict[str, ScheduledDocument] = {}
    tasks: list[FetchTask] = []
    writes: dict[str, PlannedDocument] = {}
    for item in found:
        key = document_key(task.export_id, item.id)
        entry, claim = table(key), claims.get(key)
        if _tasked(entry, claim):
            continue
        if item.listed is None and not search_done:
            if entry is None and claim is None:
                owed[key] = ScheduledDocument(item.id, item.kind)
                claims[key] = writes[key] = PlannedDocument(PlanState.DEFERRED, item.kind)
            continue
        if entry is None:
            # Owed again if another task is deferring it: its owing may not be acknowledged yet.
            owed.setdefault(key, ScheduledDocument(item.id, item.kind))
        claims[key] = writes[key] = PlannedDocument(PlanState.TASKED, item.kind)
        tasks.append(child_task(task, item.kind, item.id, item.listed))
    scheduled = Scheduled(
        DocumentsScheduled(export_id=task.export_id, documents=list(owed.values()))
        if owed
        else None,
        tasks,
        writes,
    )
    return InFlight(claims), scheduled


def keep_write(in_flight: InFlight, key: str, value: PlannedDocument, table: Lookup) -> bool:
    """Whether to write ``value`` now that Kafka has the task's messages: a deferral is
    dropped if another task has tasked the document meanwhile."""
    if value.state is PlanState.TASKED:
        return True
    return not _tasked(table(key), in_flight.claims.get(key))


def settle(in_flight: InFlight, scheduled: Scheduled) -> InFlight:
    """The task's entries are written (or it failed): the table answers for them now."""
    return InFlight(
        {
            key: claim
            for key, claim in in_flight.claims.items()
            if scheduled.writes.get(key) != claim
        }
    )


def deferred_documents(
    in_flight: InFlight, export_id: str, table: Iterable[tuple[str, PlannedDocument]]
) -> list[Discovered]:
    """Every document of the export waiting for search: deferred in the table (``(id,
    entry)`` pairs), or being deferred by a task in flight that decided before search ended."""
    waiting = {doc_id: Discovered(doc_id, entry.kind) for doc_id, entry in table}
    prefix = document_key(export_id, "")
    for key, claim in in_flight.claims.items():
        if key.startswith(prefix) and claim.state is PlanState.DEFERRED:
            waiting.setdefault(key[len(prefix) :], Discovered(key[len(prefix) :], claim.kind))
    return list(waiting.values())
