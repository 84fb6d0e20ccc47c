"""Building fetch tasks and the scheduling records that must precede them (pure functions)."""

from __future__ import annotations

from typing import Any

import orjson

from notion_sync.store.document import USERS_DOCUMENT_ID

__all__ = ["child_task", "initial_plan", "scheduled_record", "task_record"]


def task_record(
    request: dict[str, Any],
    kind: str,
    object_id: str | None = None,
    *,
    listed: dict[str, Any] | orjson.Fragment | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """A FetchTask for an export. ``request`` is the ExportRequested or a FetchTask of it."""
    return {
        "export_id": request["export_id"],
        "token_ref": request["token_ref"],
        "kind": kind,
        "object_id": object_id,
        "cursor": cursor,
        "listed": orjson.dumps(listed) if listed is not None else None,
        "out_dir": request["out_dir"],
        "include_comments": request["include_comments"],
        "download_external": request["download_external"],
        "mode": request.get("mode") or ("roots" if request.get("roots") else "workspace"),
        "attempt": 0,
    }


def child_task(
    task: dict[str, Any], kind: str, object_id: str, listed: dict[str, Any] | orjson.Fragment | None
) -> dict[str, Any]:
    return task_record(task, kind, object_id, listed=listed)


def scheduled_record(export_id: str, documents: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "export_id": export_id,
        "documents": [{"id": doc_id, "kind": kind} for doc_id, kind in documents],
    }


def initial_plan(
    request: dict[str, Any],
) -> tuple[list[tuple[str, str]], list[dict[str, Any]], bool]:
    """What the planner owes and sends first: (documents, tasks, planning already complete).

    A whole-workspace export starts with the user list and a search; an export of
    roots starts with the roots themselves and has nothing left to plan.
    """
    documents: list[tuple[str, str]] = [(USERS_DOCUMENT_ID, "users")]
    tasks = [task_record(request, "users", USERS_DOCUMENT_ID)]
    roots = request.get("roots") or []
    if not roots:
        tasks.append(task_record(request, "search"))
        return documents, tasks, False
    for root in roots:
        documents.append((root, "page"))
        tasks.append(task_record(request, "page", root))
    return documents, tasks, True
