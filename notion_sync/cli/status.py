"""``notion-sync status``: exports known to the cluster, or one in detail.

On a terminal it draws a table; anywhere else it prints tab-separated lines, nothing
truncated, and ``--json`` prints what a program needs.
"""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from notion_sync.cli.common import CliContext, fail, make_console, resolve_broker
from notion_sync.cli.options import broker_option, json_option, log_level_option
from notion_sync.cli.progress import describe
from notion_sync.core.errors import NotionSyncError
from notion_sync.kafka.status import ExportView, fold, latest, read_events, summary, summary_row
from notion_sync.kafka.topics import TopicNames

__all__ = ["status"]


def _show_one(view: ExportView, console: Console) -> None:
    console.print(f"export {view.export_id}: {describe(view)}", highlight=False, soft_wrap=True)
    console.print(f"  output: {view.out_dir}", highlight=False, soft_wrap=True)
    if view.reason:
        console.print(f"  reason: {view.reason}", highlight=False, soft_wrap=True)
    for failure in view.failures:
        console.print(
            f"  failed {failure['document_id']}: {failure['reason']}",
            highlight=False,
            soft_wrap=True,
        )


def _show_all(views: list[ExportView], console: Console) -> None:
    rows = [summary_row(view) for view in views]
    columns = ["export_id", "state", "documents", "skipped", "failed", "requests", "out_dir"]
    if not console.is_terminal:
        click.echo("\t".join(columns))
        for row in rows:
            click.echo("\t".join("" if row[c] is None else str(row[c]) for c in columns))
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
    console.print(table)


@click.command()
@broker_option
@click.argument("export_id", required=False)
@json_option
@log_level_option
@click.pass_obj
def status(ctx: CliContext, broker: str | None, export_id: str | None, as_json: bool) -> None:
    """List exports with their state and counts, or show EXPORT_ID with its failures."""
    console = make_console()
    try:
        settings = ctx.settings(kafka={"broker": broker} if broker else {})
        resolved = resolve_broker(settings, start=False)
        views = fold(
            read_events(resolved.bootstrap, TopicNames(settings.kafka.topic_prefix).events)
        )
    except NotionSyncError as exc:
        raise fail(exc) from exc
    if export_id is not None:
        view = views.get(export_id)
        if view is None:
            raise click.ClickException(f"no export {export_id!r} on this cluster")
        if as_json:
            click.echo(json.dumps(summary(view), indent=2))
        else:
            _show_one(view, console)
        return
    if as_json:
        click.echo(json.dumps([summary_row(view) for view in latest(views)], indent=2))
    else:
        _show_all(latest(views), console)
