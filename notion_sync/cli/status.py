"""``notion-sync status``: exports known to the cluster, or one in detail.

On a terminal it draws a table; anywhere else it prints tab-separated lines, nothing
truncated, and ``--json`` prints what a program needs. ``--lag`` shows the workers'
backlog per partition as the broker reports it, so it answers with every worker down.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import click
from rich.console import Console
from rich.table import Table

from notion_sync.cli.common import CliContext, fail, make_console, resolve_broker
from notion_sync.cli.options import broker_option, json_option, log_level_option
from notion_sync.cli.progress import describe
from notion_sync.core.errors import NotionSyncError
from notion_sync.kafka.lag import PartitionLag, read_lag
from notion_sync.kafka.status import ExportView, fold, latest, read_events, summary, summary_row
from notion_sync.kafka.topics import TopicNames, group_id

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


def _show_lag(lags: list[PartitionLag], console: Console, as_json: bool) -> None:
    rows = [asdict(lag) for lag in lags]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    columns = ["topic", "partition", "committed", "end", "lag"]
    if not console.is_terminal:
        click.echo("\t".join(columns))
        for row in rows:
            click.echo("\t".join("" if row[c] is None else str(row[c]) for c in columns))
        return
    table = Table(*columns, caption=f"{sum(lag.lag for lag in lags)} messages behind")
    for row in rows:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
    console.print(table)


@click.command()
@broker_option
@click.argument("export_id", required=False)
@click.option(
    "--lag",
    "show_lag",
    is_flag=True,
    help="Show the workers' consumer lag per partition, as the broker reports it, instead.",
)
@json_option
@log_level_option
@click.pass_obj
def status(
    ctx: CliContext, broker: str | None, export_id: str | None, show_lag: bool, as_json: bool
) -> None:
    """List exports with their state and counts, or show EXPORT_ID with its failures."""
    console = make_console()
    try:
        settings = ctx.settings(kafka={"broker": broker} if broker else {})
        resolved = resolve_broker(settings, start=False)
        if show_lag:
            names = TopicNames(settings.kafka.topic_prefix)
            lags = read_lag(
                resolved.bootstrap,
                group_id(names.prefix),
                names.consumed(),
                security=settings.kafka.security,
            )
            _show_lag(lags, console, as_json)
            return
        views = fold(
            read_events(
                resolved.bootstrap,
                TopicNames(settings.kafka.topic_prefix).events,
                security=settings.kafka.security,
            )
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
