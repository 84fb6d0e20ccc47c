"""What a fetch task that broke means (pure): skip the document, fail the export,
dead-letter the task, or hand it back because the worker is stopping.

A document Notion will not give (gone, not shared) is skipped with the reason; a
token Notion refuses fails the export at once, since every task would fail alike, and
so does a Notion that has failed every request for ``notion.give_up_after``; a root
the user named that cannot be read fails it too, as does search failing: the export
cannot be the one asked for without them. Anything else is dead-lettered with the
reason and the document recorded as failed, so the export still ends. A task
interrupted by shutdown is not at fault: it runs again later.
"""

from __future__ import annotations

from dataclasses import dataclass

from notion_sync.core.errors import (
    ConfigError,
    Forbidden,
    NotFound,
    NotionError,
    NotionUnreachable,
    Unauthorized,
)
from notion_sync.core.records import DocumentDone, ExportFailed, FetchTask, Outcome, TaskKind
from notion_sync.streams.task_results import document_done

__all__ = ["Handling", "RootUnreadable", "on_error", "on_failed_export", "on_unknown_token"]


class RootUnreadable(NotionError):
    """A root cannot be read: the export fails with this message (``code`` is its code)."""

    def __init__(self, root: str, cause: NotionError) -> None:
        if isinstance(cause, Forbidden):
            code = "root_forbidden"
            why = (
                f"Notion refuses to give root {root} ({cause}): the integration lacks "
                "the capability to read it (Read content, in the integration's settings)"
            )
        else:
            code = "root_not_found"
            why = (
                f"Notion has no page, database or data source {root} that this integration "
                "can read: it answers 404 object_not_found both for an id that does not "
                "exist and for a page not shared with the integration. Check the id, and "
                "share the page (or database) with the integration: in Notion, its ••• "
                "menu → Connections → add the integration"
            )
        super().__init__(why, status=cause.status, code=code, request_id=cause.request_id)
        self.root = root


@dataclass(frozen=True)
class Handling:
    """What to do about an error, in this order: hand the task back (and nothing else),
    or dead-letter it (with this reason), then send ``event``."""

    event: DocumentDone | ExportFailed | None = None
    dead_letter: str | None = None
    #: Not Notion's answer but a fault of ours: worth its traceback in the log.
    traceback: bool = False
    hand_back: bool = False


def _export_failed(task: FetchTask, reason: str, code: str, now: int) -> ExportFailed:
    return ExportFailed(export_id=task.export_id, finished_at=now, reason=reason, code=code)


def on_error(task: FetchTask, exc: Exception, *, stopping: bool, now: int) -> Handling:
    search = task.kind is TaskKind.SEARCH
    if isinstance(exc, Unauthorized):
        return Handling(_export_failed(task, str(exc), "unauthorized", now))
    if isinstance(exc, NotionUnreachable):
        return Handling(_export_failed(task, str(exc), "notion_unreachable", now))
    if isinstance(exc, RootUnreadable):
        return Handling(_export_failed(task, str(exc), exc.code or "root_not_found", now))
    if isinstance(exc, NotFound | Forbidden):
        if search:
            return Handling(_export_failed(task, f"search failed: {exc}", "search_failed", now))
        return Handling(document_done(task, Outcome.SKIPPED, str(exc)))
    if stopping:
        return Handling(hand_back=True)
    reason = f"{type(exc).__name__}: {exc}"
    event = (
        _export_failed(task, f"search failed: {reason}", "search_failed", now)
        if search
        else document_done(task, Outcome.FAILED, reason)
    )
    return Handling(event, dead_letter=reason, traceback=not isinstance(exc, NotionError))


def on_failed_export(task: FetchTask) -> DocumentDone | None:
    """A task of an export that has failed is not run; its document is skipped (a
    search task owes no document)."""
    if task.kind is TaskKind.SEARCH:
        return None
    return document_done(task, Outcome.SKIPPED, "the export has failed")


def on_unknown_token(task: FetchTask, exc: ConfigError, now: int) -> ExportFailed:
    """This worker cannot resolve the task's credential: no task of the export can run."""
    return _export_failed(task, str(exc), "unknown_token_ref", now)
