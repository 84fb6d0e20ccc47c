"""An export's first steps, and the tasks built for it (the planner's transitions)."""

from __future__ import annotations

from notion_sync.core.records import (
    DocumentKind,
    DocumentsScheduled,
    ExportFailed,
    ExportRequested,
    ExportStarted,
    FetchTask,
    PlanningCompleted,
    ScheduledDocument,
    TaskKind,
)
from notion_sync.kafka.codec import decode, encode_event
from notion_sync.streams.tasks import FirstSteps, child_task, fetch_task, initial_plan

ROOT = "1f2e3d4c5b6a79880011223344556677"
ROOT_ID = "1f2e3d4c-5b6a-7988-0011-223344556677"


def request(*roots: str) -> ExportRequested:
    return ExportRequested(
        export_id="e",
        requested_at=1,
        token_ref="sandbox",
        formats=["json"],
        out_dir="/out",
        roots=list(roots),
        include_comments=False,
        download_external=True,
    )


def test_a_workspace_export_owes_the_users_and_starts_the_search() -> None:
    steps = initial_plan(request(), [], now=5)
    started, owed = steps.announce
    assert started == ExportStarted(
        export_id="e", started_at=5, token_ref="sandbox", formats=["json"], out_dir="/out"
    )
    assert owed == DocumentsScheduled(
        export_id="e", documents=[ScheduledDocument("users", "users")]
    )
    assert [(t.kind, t.object_id, t.mode) for t in steps.tasks] == [
        (TaskKind.USERS, "users", "workspace"),
        (TaskKind.SEARCH, None, "workspace"),
    ]
    assert all((t.include_comments, t.download_external) == (False, True) for t in steps.tasks)
    assert steps.then == []  # planning goes on as search pages come


def test_an_export_of_roots_owes_them_and_has_nothing_left_to_plan() -> None:
    steps = initial_plan(request(ROOT), [], now=5)
    started, owed = steps.announce
    assert isinstance(started, ExportStarted) and started.roots == [ROOT_ID]
    assert owed == DocumentsScheduled(
        export_id="e",
        documents=[ScheduledDocument("users", "users"), ScheduledDocument(ROOT_ID, "page")],
    )
    # A root is owed as a page; its task, marked a root, finds out what it is.
    assert [(t.kind, t.object_id, t.mode) for t in steps.tasks] == [
        (TaskKind.USERS, "users", "roots"),
        (TaskKind.PAGE, ROOT_ID, "root"),
    ]
    assert steps.then == [PlanningCompleted(export_id="e", search_pages=0)]


def test_what_a_root_finds_is_not_a_root_itself() -> None:
    root = initial_plan(request(ROOT), [], now=5).tasks[1]
    child = child_task(root, DocumentKind.PAGE, "c", None)
    assert (root.mode, child.mode, fetch_task(child, TaskKind.PAGE, "g").mode) == (
        "root",
        "roots",
        "roots",
    )


def test_a_bad_request_is_refused_with_every_problem_and_nothing_else() -> None:
    steps = initial_plan(request("not an id"), ["no format given", "bad root"], now=5)
    assert steps == FirstSteps(
        [
            ExportFailed(
                export_id="e",
                finished_at=5,
                reason="no format given; bad root",
                code="invalid_request",
            )
        ]
    )


def test_a_task_built_from_a_task_goes_on_the_wire_and_back_unchanged() -> None:
    first = fetch_task(request(ROOT), TaskKind.PAGE, ROOT_ID, listed={"id": ROOT_ID})
    child = fetch_task(first, TaskKind.SEARCH, cursor="c1")
    assert (child.mode, child.listed, child.cursor) == ("roots", None, "c1")
    for task in (first, child):
        assert decode(encode_event(task)).event == task
    assert isinstance(first, FetchTask) and first.listed == b'{"id":"' + ROOT_ID.encode() + b'"}'
