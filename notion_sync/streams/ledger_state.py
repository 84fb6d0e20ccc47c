"""The ledger's state and transitions, pure: no Faust, no Kafka, no clock of its own.

An export's state is its meta (the ``ledger-exports`` value) and the counts derived
from its document entries (``ledger-documents``, one per owed document). :func:`apply`
takes that state and one event and says what follows: the new state, the table
writes and the events to send. Being pure, every transition, redelivery included,
is tested without a broker; the agent in :mod:`notion_sync.streams.ledger` only
reads, calls and carries out.

Delivery is at least once, so every transition is idempotent: a document moves
from owed to a final outcome once, an ended export ignores all news, and the
counts are rebuilt from the entries (:meth:`Counts.of`) rather than stored beside
them where a crash could set them apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from notion_sync.core.errors import SchemaError
from notion_sync.core.records import (
    DocumentDone,
    DocumentKind,
    DocumentsScheduled,
    ExportCompleted,
    ExportEvent,
    ExportFailed,
    ExportProgress,
    ExportStarted,
    Failure,
    FetchStats,
    FetchTask,
    PlanningCompleted,
    RenderRequested,
    TaskKind,
)
from notion_sync.streams.ledger_values import (
    Counts,
    DocumentEntry,
    DocumentState,
    ExportMeta,
    ExportRequest,
    Phase,
)

__all__ = [
    "PROGRESS_INTERVAL_MS",
    "ExportState",
    "Transition",
    "apply",
    "documents_named",
    "export_completed",
]

#: Least time between two ExportProgress of one export, unless the phase changes.
PROGRESS_INTERVAL_MS = 500


class ExportState(msgspec.Struct, frozen=True, kw_only=True):
    """What the ledger knows of one export. ``meta`` is ``None`` for an export never
    heard of; ``last_progress`` (ms) is kept in memory only, for throttling."""

    meta: ExportMeta | None = None
    counts: Counts = Counts()
    last_progress: int | None = None


class Transition(msgspec.Struct, frozen=True, kw_only=True):
    """What one event does, carried out in this order by the agent:

    1. the document writes (``documents``, then ``forget_documents``): the render agent
       reads the entries once it is asked, so they are in before the ask;
    2. the sends (``tasks``, then ``announce``), waiting for Kafka's acks;
    3. the meta write. The meta is what a redelivered event is judged by (an ended
       export ignores news, a rendering one is not asked for again), so it comes last:
       a crash before it repeats the rest, all of which is safe to do twice.
    """

    state: ExportState
    meta: ExportMeta | None = None
    documents: dict[str, DocumentEntry] = {}
    forget_documents: bool = False
    tasks: list[FetchTask] = []
    announce: list[ExportEvent] = []
    ended: Phase | None = None
    duration: float | None = None


def documents_named(event: ExportEvent) -> list[str]:
    """The document ids whose entries :func:`apply` needs to see for ``event``."""
    if isinstance(event, DocumentsScheduled):
        return [document.id for document in event.documents]
    if isinstance(event, DocumentDone):
        return [event.document_id]
    return []


def apply(
    state: ExportState, event: ExportEvent, entries: Mapping[str, DocumentEntry], now: int
) -> Transition:
    """The transition ``event`` makes from ``state``.

    ``entries`` holds the current entry of each document :func:`documents_named` names
    (absent: never owed); ``now`` is the wall clock in ms. An event naming a document
    kind this ledger does not know is poison: ``SchemaError``, and nothing is decided.
    """
    meta = state.meta
    if meta is not None and meta.phase.ended:
        return Transition(state=state)  # late or re-delivered news about an export that is over
    if isinstance(event, ExportFailed | ExportCompleted):
        return _end(state, event)
    before = meta or ExportMeta()
    current = before
    written: dict[str, DocumentEntry] = {}
    counts = state.counts
    if isinstance(event, ExportStarted):
        if current.request is None:
            current = msgspec.structs.replace(current, request=_request(event))
    elif isinstance(event, DocumentsScheduled):
        for document in event.documents:
            if document.id not in entries and document.id not in written:
                owed = DocumentEntry(state=DocumentState.OWED, kind=_kind(document.kind))
                written[document.id] = owed
                counts = counts.counted(owed)
    elif isinstance(event, DocumentDone):
        entry = entries.get(event.document_id)
        if entry is None or entry.state is DocumentState.OWED:
            done = DocumentEntry(
                state=DocumentState(event.outcome),
                kind=_kind(event.document_kind),
                reason=event.reason,
            )
            written[event.document_id] = done
            counts = counts.counted(done)
            if entry is not None:
                counts = counts.counted(entry, -1)
    elif isinstance(event, PlanningCompleted):
        current = msgspec.structs.replace(
            current, planning_done=True, search_pages=event.search_pages
        )
    elif isinstance(event, FetchStats):
        current = msgspec.structs.replace(
            current,
            requests=current.requests + event.requests,
            rate_limited=current.rate_limited + event.rate_limited,
            retries=current.retries + event.retries,
            circuit=event.circuit,
        )
    else:
        return Transition(state=state)  # the ledger's own news (RenderRequested, progress)
    changed = None if current == before else current
    state = ExportState(
        meta=meta if changed is None else changed, counts=counts, last_progress=state.last_progress
    )
    return _advance(event.export_id, state, changed, written, now)


def _kind(value: str) -> DocumentKind:
    try:
        return DocumentKind(value)
    except ValueError:
        raise SchemaError(f"unknown document kind {value!r}") from None


def _request(event: ExportStarted) -> ExportRequest:
    return ExportRequest(
        token_ref=event.token_ref,
        formats=event.formats,
        out_dir=event.out_dir,
        roots=event.roots,
        started_at=event.started_at,
    )


def _advance(
    export_id: str,
    state: ExportState,
    changed: ExportMeta | None,
    written: dict[str, DocumentEntry],
    now: int,
) -> Transition:
    """Ask for the render once planning is complete and nothing is owed; else report
    progress, at most every ``PROGRESS_INTERVAL_MS``.

    The ask is sent before the phase is written (see :class:`Transition`): a crash in
    between asks again, and the render agent answers a repeated ask once, where the
    other order could leave the export waiting forever.
    """
    meta = state.meta
    if meta is None or meta.request is None or meta.phase is not Phase.RUNNING:
        return Transition(state=state, meta=changed, documents=written)
    if meta.planning_done and state.counts.owed == 0:
        rendering = msgspec.structs.replace(meta, phase=Phase.RENDERING)
        state = ExportState(meta=rendering, counts=state.counts, last_progress=now)
        return Transition(
            state=state,
            meta=rendering,
            documents=written,
            announce=[RenderRequested(export_id=export_id), _progress(export_id, state, now)],
        )
    last = state.last_progress
    if last is not None and 0 <= now - last < PROGRESS_INTERVAL_MS:
        return Transition(state=state, meta=changed, documents=written)
    state = msgspec.structs.replace(state, last_progress=now)
    return Transition(
        state=state,
        meta=changed,
        documents=written,
        announce=[_progress(export_id, state, now)],
    )


def _progress(export_id: str, state: ExportState, now: int) -> ExportProgress:
    meta = state.meta or ExportMeta()
    counts = state.counts
    return ExportProgress(
        export_id=export_id,
        state=meta.phase.value,
        scheduled=counts.scheduled,
        fetched=counts.fetched,
        skipped=counts.skipped,
        failed=counts.failed,
        written=0,
        requests=meta.requests,
        rate_limited=meta.rate_limited,
        circuit=meta.circuit,
        at=now,
    )


def _end(state: ExportState, event: ExportFailed | ExportCompleted) -> Transition:
    """The export's one end: record it, drop its document entries (an ended export
    needs none) and tell the fetcher to forget it too."""
    current = state.meta or ExportMeta()
    if isinstance(event, ExportFailed):
        ended = msgspec.structs.replace(
            current, phase=Phase.FAILED, finished_at=event.finished_at, reason=event.reason
        )
    else:
        ended = msgspec.structs.replace(
            current, phase=Phase.COMPLETED, finished_at=event.finished_at
        )
    request = current.request
    duration = None
    if request is not None and ended.phase is Phase.COMPLETED:
        duration = max(0.0, (event.finished_at - request.started_at) / 1000)
    return Transition(
        state=ExportState(meta=ended),
        meta=ended,
        forget_documents=True,
        tasks=[] if request is None else [_forget(event.export_id, request)],
        ended=ended.phase,
        duration=duration,
    )


def _forget(export_id: str, request: ExportRequest) -> FetchTask:
    """The task that has the fetcher drop what it keeps for the export."""
    return FetchTask(
        export_id=export_id,
        token_ref=request.token_ref,
        kind=TaskKind.FORGET,
        out_dir=request.out_dir,
        include_comments=False,
        download_external=False,
    )


def export_completed(
    export_id: str,
    request: ExportRequest,
    meta: ExportMeta,
    counts: Counts,
    documents: Iterable[tuple[str, DocumentEntry]],
    written: dict[str, int],
    finished_at: int,
) -> ExportCompleted:
    """The ExportCompleted of a rendered export, from the ledger's view of it."""
    return ExportCompleted(
        export_id=export_id,
        finished_at=finished_at,
        out_dir=request.out_dir,
        pages=counts.pages,
        data_sources=counts.data_sources,
        unchanged=counts.unchanged,
        skipped=counts.skipped,
        failed=counts.failed,
        written=written,
        requests=meta.requests,
        rate_limited=meta.rate_limited,
        failures=[
            Failure(document_id=doc_id, reason=entry.reason or "failed")
            for doc_id, entry in documents
            if entry.state is DocumentState.FAILED
        ],
    )
