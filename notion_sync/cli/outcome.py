"""How an export ended, said once for people and once for programs, and the exit code."""

from __future__ import annotations

import json

import click
from rich.console import Console

from notion_sync.core.errors import ExitCode
from notion_sync.kafka.status import ExportView, summary

__all__ = ["exit_code", "print_outcome"]

#: Failed documents listed in the text summary (all of them are in --json and manifest.json).
SHOWN_FAILURES = 20


def exit_code(view: ExportView) -> ExitCode:
    if view.state == "completed":
        return ExitCode.INCOMPLETE if view.failed else ExitCode.COMPLETED
    if view.state == "failed":
        return ExitCode.UNAUTHORIZED if view.code == "unauthorized" else ExitCode.FAILED
    return ExitCode.UNFINISHED


def _text(view: ExportView, console: Console) -> None:
    if view.state == "completed":
        written = ", ".join(f"{count} {fmt}" for fmt, count in sorted(view.written.items()))
        colour = "yellow" if view.failed else "green"
        console.print(
            f"[{colour}]export {view.export_id} completed[/]: {view.pages} pages, "
            f"{view.data_sources} data sources → {view.out_dir} ({written}); "
            f"{view.requests} Notion requests, {view.rate_limited} rate-limited",
            highlight=False,
        )
        if view.skipped or view.failed:
            console.print(f"  skipped {view.skipped}, failed {view.failed}", highlight=False)
        for failure in view.failures[:SHOWN_FAILURES]:
            console.print(
                f"  failed {failure['document_id']}: {failure['reason']}", highlight=False
            )
        if len(view.failures) > SHOWN_FAILURES:
            console.print(
                f"  … and {len(view.failures) - SHOWN_FAILURES} more in "
                f"{view.out_dir}/manifest.json",
                highlight=False,
            )
    elif view.state == "failed":
        console.print(f"[red]export {view.export_id} failed[/]: {view.reason}", highlight=False)
    else:
        console.print(
            f"[yellow]export {view.export_id} still {view.state}[/]: run the same command "
            "again to resume it, or follow it with `notion-sync status "
            f"{view.export_id}`",
            highlight=False,
        )


def print_outcome(view: ExportView, console: Console, *, as_json: bool = False) -> int:
    """Say how the export ended (text on ``console``, or JSON on stdout); the exit code."""
    code = exit_code(view)
    if as_json:
        click.echo(json.dumps({**summary(view), "exit_code": int(code)}, indent=2))
    else:
        _text(view, console)
    return int(code)
