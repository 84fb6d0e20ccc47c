"""Following one export on export-events until it completes or fails.

A terminal gets rich's live progress bar; a pipe, a file or a CI log gets one plain line
every :data:`PLAIN_INTERVAL` seconds (and whenever the state changes), with no escape codes;
``quiet`` shows neither.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.console import Console

from notion_sync.cli.progress import ExportProgress, describe
from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.kafka.connection import PLAINTEXT
from notion_sync.kafka.status import ExportView, read_events

__all__ = ["PLAIN_INTERVAL", "follow_export"]

PLAIN_INTERVAL = 5.0


def follow_export(
    bootstrap: str,
    topic: str,
    export_id: str,
    console: Console,
    *,
    timeout: float | None = None,
    alive: Callable[[], bool] = lambda: True,
    quiet: bool = False,
    get_time: Callable[[], float] = time.monotonic,
    security: KafkaSecurity = PLAINTEXT,
) -> ExportView:
    """Show progress until the export ends, ``timeout`` seconds pass or ``alive()`` is false."""
    view = ExportView(export_id)
    deadline = None if timeout is None else get_time() + timeout
    plain = not quiet and not console.is_terminal
    last_line, last_state = float("-inf"), ""

    def stop() -> bool:
        timed_out = deadline is not None and get_time() > deadline
        return view.finished or timed_out or not alive()

    with ExportProgress(console, get_time=get_time, disable=quiet or plain) as progress:
        for decoded in read_events(bootstrap, topic, follow=True, stop=stop, security=security):
            if decoded.record.get("export_id") != export_id:
                continue
            view.apply(decoded)
            progress.update(view)
            now = get_time()
            if (
                plain
                and not view.finished
                and (now - last_line >= PLAIN_INTERVAL or view.state != last_state)
            ):
                console.print(describe(view), highlight=False, soft_wrap=True)
                last_line, last_state = now, view.state
            if view.finished:
                break
    return view
