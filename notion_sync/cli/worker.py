"""``notion-sync worker``: the long-lived service."""

from __future__ import annotations

import click

from notion_sync.cli.common import CliContext, fail, resolve_broker
from notion_sync.cli.options import broker_option, log_level_option, notion_url_option
from notion_sync.core.config import Settings
from notion_sync.core.errors import NotionSyncError


def worker_settings(ctx: CliContext, broker: str | None, notion_url: str | None) -> Settings:
    """The worker's settings: the options given win over notion-sync.yaml and the
    environment, and only the options given (``worker.log_level`` there is honoured)."""
    return ctx.settings(
        kafka={"broker": broker} if broker else {},
        notion={"base_url": notion_url} if notion_url else {},
        worker={"log_level": ctx.log_level} if ctx.log_level else {},
    )


@click.command()
@broker_option
@notion_url_option
@log_level_option
@click.pass_obj
def worker(ctx: CliContext, broker: str | None, notion_url: str | None) -> None:
    """Run a worker: planner, fetcher, sink, ledger and render agents.

    Start as many as you like against one cluster; they share the partitions.
    Stops cleanly on SIGTERM or Ctrl-C (finishes in-flight work, commits, leaves the group).
    """
    from notion_sync.core import memory

    memory.skip_httpx_cli()
    from notion_sync.kafka.table_store import check_folder
    from notion_sync.streams.worker import run_worker

    try:
        settings = worker_settings(ctx, broker, notion_url)
        check_folder(settings.worker.state_dir)
        resolved = resolve_broker(settings, start=True)
        run_worker(settings, resolved.bootstrap, embedded=resolved.embedded)
    except NotionSyncError as exc:  # e.g. a topic's partition count is not the configured one
        raise fail(exc) from exc
