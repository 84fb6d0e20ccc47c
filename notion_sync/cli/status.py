"""``notion-sync status``: exports known to the cluster, or one in detail."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from notion_sync.cli.common import CliContext, fail, resolve_broker
from notion_sync.cli.options import broker_option, log_level_option
from notion_sync.cli.progress import describe
from notion_sync.core.errors import NotionSyncError
from notion_sync.kafka.status import fold, latest, read_events
from notion_sync.kafka.topics import TopicNames


@click.command()
@broker_option
@click.argument("export_id", required=False)
@log_level_option
@click.pass_obj
def status(ctx: CliContext, broker: str | None, export_id: str | None) -> None:
    """List exports with their state and counts, or show EXPORT_ID with its failures."""
    console = Console()
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
        console.print(f"export {view.export_id}: {describe(view)}", highlight=False)
        console.print(f"  output: {view.out_dir}", highlight=False)
        if view.reason:
            console.print(f"  reason: {view.reason}", highlight=False)
        for failure in view.failures:
            console.print(
                f"  failed {failure['document_id']}: {failure['reason']}", highlight=False
            )
        return
    table = Table("export", "state", "documents", "skipped", "failed", "requests", "output")
    for view in latest(views):
        table.add_row(
            view.export_id,
            view.state,
            str(view.pages + view.data_sources or view.fetched),
            str(view.skipped),
            str(view.failed),
            str(view.requests),
            view.out_dir or "",
        )
    console.print(table)
