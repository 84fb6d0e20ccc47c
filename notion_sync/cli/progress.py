"""The live progress display of an export (rich), fed by export-events.

Console and clock are injected, so tests render it into a string with a fake clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from notion_sync.kafka.status import ExportView

__all__ = ["ExportProgress", "describe"]


def describe(view: ExportView) -> str:
    """One line: what the export has done so far."""
    parts = [
        f"{view.state}",
        f"planned {view.scheduled}" + ("" if view.listed or view.finished else "+ (listing)"),
        f"fetched {view.fetched}",
    ]
    if view.written:
        parts.append(
            "written " + ", ".join(f"{n} {fmt}" for fmt, n in sorted(view.written.items()))
        )
    parts.append(f"requests {view.requests}")
    parts.append(f"429s {view.rate_limited}")
    if view.skipped or view.failed:
        parts.append(f"skipped {view.skipped} failed {view.failed}")
    if view.circuit != "closed":
        parts.append(f"circuit {view.circuit}")
    return " · ".join(parts)


class ExportProgress:
    """A progress bar of documents fetched against documents planned, with an ETA."""

    def __init__(
        self,
        console: Console,
        *,
        get_time: Callable[[], float] = time.monotonic,
        disable: bool | None = None,
    ) -> None:
        self._get_time = get_time
        self._start = get_time()
        self._progress = Progress(
            TextColumn("[bold]{task.fields[export]}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[eta]}"),
            TextColumn("{task.fields[line]}"),
            console=console,
            get_time=get_time,
            disable=not console.is_terminal if disable is None else disable,
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> ExportProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def eta(self, view: ExportView) -> str:
        """From the rate so far; none while the workspace is being listed, since each
        search page is listed only once the documents found before it are fetched."""
        done = view.fetched + view.skipped + view.failed
        elapsed = self._get_time() - self._start
        if not view.listed or done == 0 or view.scheduled <= done or elapsed <= 0:
            return "ETA --"
        remaining = (view.scheduled - done) * elapsed / done
        return f"ETA {int(remaining // 60)}:{int(remaining % 60):02d}"

    def update(self, view: ExportView) -> None:
        done = view.fetched + view.skipped + view.failed
        fields: dict[str, Any] = {
            "export": view.export_id[:8],
            "eta": self.eta(view),
            "line": describe(view),
        }
        if self._task is None:
            self._task = self._progress.add_task("export", total=max(view.scheduled, 1), **fields)
        self._progress.update(
            self._task, completed=done, total=max(view.scheduled, done, 1), **fields
        )
