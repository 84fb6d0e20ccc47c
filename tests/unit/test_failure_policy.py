"""Which error does what to a fetch task, its document and its export (no broker)."""

from __future__ import annotations

import pytest

from notion_sync.core.errors import (
    ConfigError,
    Forbidden,
    InvalidRequest,
    NotFound,
    NotionUnavailable,
    NotionUnreachable,
    Unauthorized,
)
from notion_sync.core.records import DocumentDone, ExportFailed, FetchTask, Outcome, TaskKind
from notion_sync.streams.failure_policy import (
    Handling,
    RootUnreadable,
    on_error,
    on_failed_export,
    on_unknown_token,
)


def task(kind: TaskKind, object_id: str | None = "doc") -> FetchTask:
    return FetchTask(
        export_id="e", token_ref="sandbox", kind=kind, object_id=object_id, out_dir="/out"
    )


def failed(reason: str, code: str) -> ExportFailed:
    return ExportFailed(export_id="e", finished_at=7, reason=reason, code=code)


def done(outcome: Outcome, reason: str, kind: str = "page") -> DocumentDone:
    return DocumentDone(
        export_id="e", document_id="doc", document_kind=kind, outcome=outcome, reason=reason
    )


@pytest.mark.parametrize("stopping", [False, True])
def test_a_refused_token_fails_the_export_whatever_the_task(stopping: bool) -> None:
    for kind in (TaskKind.PAGE, TaskKind.SEARCH):
        handling = on_error(task(kind), Unauthorized("revoked"), stopping=stopping, now=7)
        assert handling == Handling(failed("revoked", "unauthorized"))


@pytest.mark.parametrize("error", [NotFound("gone"), Forbidden("gone")])
def test_a_document_notion_will_not_give_is_skipped_with_the_reason(error: Exception) -> None:
    assert on_error(task(TaskKind.PAGE), error, stopping=False, now=7) == Handling(
        done(Outcome.SKIPPED, "gone")
    )
    assert on_error(task(TaskKind.SEARCH), error, stopping=False, now=7) == Handling(
        failed("search failed: gone", "search_failed")
    )


@pytest.mark.parametrize(
    ("error", "traceback"),
    [(NotionUnavailable("503 after retries"), False), (KeyError("results"), True)],
)
def test_anything_else_is_dead_lettered_and_the_document_failed(
    error: Exception, traceback: bool
) -> None:
    reason = f"{type(error).__name__}: {error}"
    handling = on_error(task(TaskKind.DATA_SOURCE), error, stopping=False, now=7)
    assert handling == Handling(
        done(Outcome.FAILED, reason, "data_source"), dead_letter=reason, traceback=traceback
    )
    search = on_error(task(TaskKind.SEARCH, None), error, stopping=False, now=7)
    assert search == Handling(
        failed(f"search failed: {reason}", "search_failed"),
        dead_letter=reason,
        traceback=traceback,
    )


def test_a_task_broken_by_shutdown_is_handed_back_untouched() -> None:
    for error in (NotionUnavailable("closed"), RuntimeError("client closed")):
        assert on_error(task(TaskKind.PAGE), error, stopping=True, now=7) == Handling(
            hand_back=True
        )
    # Notion's own answers still count: they would come again after a restart.
    assert on_error(task(TaskKind.PAGE), InvalidRequest("bad"), stopping=False, now=7).event == (
        done(Outcome.FAILED, "InvalidRequest: bad")
    )


def test_tasks_of_a_failed_export_skip_their_documents() -> None:
    assert on_failed_export(task(TaskKind.PAGE)) == done(Outcome.SKIPPED, "the export has failed")
    assert on_failed_export(task(TaskKind.SEARCH, None)) is None


def test_a_token_this_worker_cannot_resolve_fails_the_export() -> None:
    error = ConfigError("no token named 'x'")
    assert on_unknown_token(task(TaskKind.USERS), error, 7) == failed(
        "no token named 'x'", "unknown_token_ref"
    )


@pytest.mark.parametrize("stopping", [False, True])
def test_a_notion_unreachable_for_too_long_fails_the_export(stopping: bool) -> None:
    error = NotionUnreachable("Notion failed every request for 120 s", code="notion_unreachable")
    for kind in (TaskKind.PAGE, TaskKind.DATA_SOURCE, TaskKind.SEARCH):
        handling = on_error(task(kind), error, stopping=stopping, now=7)
        assert handling == Handling(failed(str(error), "notion_unreachable"))


def test_a_root_that_cannot_be_read_fails_the_export_naming_it_and_the_fix() -> None:
    missing = RootUnreadable("r-1", NotFound("Notion answered 404 object_not_found"))
    handling = on_error(task(TaskKind.PAGE), missing, stopping=False, now=7)
    assert handling == Handling(failed(str(missing), "root_not_found"))
    assert "r-1" in str(missing) and "share" in str(missing) and "404" in str(missing)
    refused = RootUnreadable("r-2", Forbidden("Notion answered 403 restricted_resource"))
    handling = on_error(task(TaskKind.PAGE), refused, stopping=False, now=7)
    assert handling == Handling(failed(str(refused), "root_forbidden"))
    assert "r-2" in str(refused) and "403 restricted_resource" in str(refused)
