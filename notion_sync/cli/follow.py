"""Following one export on export-events until it completes or fails."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console

from notion_sync.cli.progress import ExportProgress, describe
from notion_sync.kafka.status import ExportView, read_events

__all__ = ["follow_export", "print_outcome"]


def follow_export(
    bootstrap: str,
    topic: str,
    export_id: str,
    console: Console,
    *,
    timeout: float | None = None,
    alive: Callable[[], bool] = lambda: True,
) -> ExportView:
    """Show progress until the export ends, ``timeout`` seconds pass or ``alive()`` is false."""
    view = ExportView(export_id)
    deadline = None if timeout is None else time.monotonic() + timeout
    last_line = 0.0

    def stop() -> bool:
        timed_out = deadline is not None and time.monotonic() > deadline
        return view.finished or timed_out or not alive()

    with ExportProgress(console) as progress:
        for decoded in read_events(bootstrap, topic, follow=True, stop=stop):
            if decoded.record.get("export_id") != export_id:
                continue
            view.apply(decoded)
            progress.update(view)
            if not console.is_terminal and time.monotonic() - last_line > 5:
                console.print(describe(view), highlight=False)
                last_line = time.monotonic()
            if view.finished:
                break
    return view


def print_outcome(view: ExportView, console: Console) -> int:
    """Say how the export ended; returns the exit code."""
    if view.state == "completed":
        written = ", ".join(f"{count} {fmt}" for fmt, count in sorted(view.written.items()))
        console.print(
            f"[green]export {view.export_id} completed[/]: {view.pages} pages, "
            f"{view.data_sources} data sources → {view.out_dir} ({written}); "
            f"{view.requests} Notion requests, {view.rate_limited} rate-limited",
            highlight=False,
        )
        if view.skipped or view.failed:
            console.print(f"  skipped {view.skipped}, failed {view.failed}", highlight=False)
        for failure in view.failures[:20]:
            console.print(
                f"  failed {failure['document_id']}: {failure['reason']}", highlight=False
            )
        return 0
    if view.state == "failed":
        console.print(f"[red]export {view.export_id} failed[/]: {view.reason}", highlight=False)
        return 1
    console.print(f"[yellow]export {view.export_id} still {view.state}[/]", highlight=False)
    return 3
