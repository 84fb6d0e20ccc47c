"""``notion-sync worker``: the long-lived service."""

from __future__ import annotations

import click

from notion_sync.cli.common import CliContext, broker_option, fail, resolve_broker
from notion_sync.core.errors import NotionSyncError


@click.command()
@broker_option
@click.pass_obj
def worker(ctx: CliContext, broker: str | None) -> None:
    """Run a worker: planner, fetcher, sink, ledger and render agents.

    Start as many as you like against one cluster; they share the partitions.
    Stops cleanly on SIGTERM or Ctrl-C (finishes in-flight work, commits, leaves the group).
    """
    from notion_sync.core import memory

    memory.skip_httpx_cli()
    from notion_sync.kafka.table_store import check_folder
    from notion_sync.streams.worker import run_worker

    try:
        settings = ctx.settings(
            kafka={"broker": broker} if broker else {},
            worker={"log_level": ctx.log_level},
        )
        check_folder(settings.worker.state_dir)
        resolved = resolve_broker(settings, start=True)
    except NotionSyncError as exc:
        raise fail(exc) from exc
    run_worker(settings, resolved.bootstrap, embedded=resolved.embedded)
