"""Building fetch tasks, and an export's first steps (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from notion_sync.core.records import (
    DocumentKind,
    DocumentsScheduled,
    ExportEvent,
    ExportFailed,
    ExportRequested,
    ExportStarted,
    FetchTask,
    PlanningCompleted,
    ScheduledDocument,
    TaskKind,
)
from notion_sync.core.request import normalize_id
from notion_sync.store.document import USERS_DOCUMENT_ID

__all__ = [
    "ROOT",
    "ROOTS",
    "WORKSPACE",
    "FirstSteps",
    "child_task",
    "fetch_task",
    "initial_plan",
]

#: A task's ``mode``: search lists the whole workspace, so child pages wait for it to end.
WORKSPACE = "workspace"
#: A task's ``mode``: only the roots and what they lead to, fetched as found.
ROOTS = "roots"
#: A task's ``mode``: a root the user named, of a kind not yet known (page, database or
#: data source) and which, unlike a document found on the way, must be read.
ROOT = "root"


def _mode(roots: Sequence[str] | None) -> str:
    return ROOTS if roots else WORKSPACE


def fetch_task(
    origin: ExportRequested | FetchTask,
    kind: TaskKind,
    object_id: str | None = None,
    *,
    listed: dict[str, Any] | orjson.Fragment | None = None,
    cursor: str | None = None,
    mode: str | None = None,
) -> FetchTask:
    """A task of the export that ``origin`` (its request, or one of its tasks) belongs to;
    ``mode`` is the origin's unless given (a root's finds are not roots themselves)."""
    if mode is None:
        mode = _mode(origin.roots) if isinstance(origin, ExportRequested) else origin.mode
        mode = ROOTS if mode == ROOT else mode
    return FetchTask(
        export_id=origin.export_id,
        token_ref=origin.token_ref,
        kind=kind,
        object_id=object_id,
        cursor=cursor,
        listed=orjson.dumps(listed) if listed is not None else None,
        out_dir=origin.out_dir,
        include_comments=origin.include_comments,
        download_external=origin.download_external,
        mode=mode,
    )


def child_task(
    task: FetchTask,
    kind: DocumentKind,
    object_id: str,
    listed: dict[str, Any] | orjson.Fragment | None,
) -> FetchTask:
    """The task of a document that ``task`` found (with its object, if it was listed whole)."""
    return fetch_task(task, TaskKind(kind.value), object_id, listed=listed)


@dataclass(frozen=True)
class FirstSteps:
    """What the planner sends, in order, each acknowledged before the next: ``announce``
    to export-events, then ``tasks``, then ``then`` to export-events."""

    announce: list[ExportEvent]
    tasks: list[FetchTask] = field(default_factory=list)
    then: list[ExportEvent] = field(default_factory=list)


def initial_plan(request: ExportRequested, problems: Sequence[str], now: int) -> FirstSteps:
    """An export's first steps, or its refusal if the request has ``problems``.

    A whole-workspace export starts with the user list and a search; an export of
    roots starts with the roots themselves and has nothing left to plan. A root is owed
    as a page until its task finds out what it is (see :mod:`~notion_sync.streams.roots`).
    """
    export_id = request.export_id
    if problems:
        reason = "; ".join(problems)
        return FirstSteps(
            [
                ExportFailed(
                    export_id=export_id, finished_at=now, reason=reason, code="invalid_request"
                )
            ]
        )
    roots = [normalize_id(root) for root in request.roots]
    started = ExportStarted(
        export_id=export_id,
        started_at=now,
        token_ref=request.token_ref,
        formats=request.formats,
        out_dir=request.out_dir,
        roots=roots,
    )
    documents = [ScheduledDocument(USERS_DOCUMENT_ID, DocumentKind.USERS)]
    tasks = [fetch_task(request, TaskKind.USERS, USERS_DOCUMENT_ID)]
    if not roots:
        tasks.append(fetch_task(request, TaskKind.SEARCH))
    for root in roots:
        documents.append(ScheduledDocument(root, DocumentKind.PAGE))
        tasks.append(fetch_task(request, TaskKind.PAGE, root, mode=ROOT))
    owed = DocumentsScheduled(export_id=export_id, documents=documents)
    then: list[ExportEvent] = (
        [PlanningCompleted(export_id=export_id, search_pages=0)] if roots else []
    )
    return FirstSteps([started, owed], tasks, then)
