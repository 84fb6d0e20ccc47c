"""``notion-sync broker``: the embedded broker's lifecycle."""

from __future__ import annotations

import click

from notion_sync.cli.common import fail, start_embedded_broker
from notion_sync.core.errors import NotionSyncError
from notion_sync.kafka.broker import read_embedded_broker, stop_embedded_broker


@click.group()
def broker() -> None:
    """Start, inspect or stop the embedded broker (data lives as long as it does)."""


@broker.command()
def start() -> None:
    """Start the embedded broker (or show the one running)."""
    try:
        running = start_embedded_broker()
    except NotionSyncError as exc:
        raise fail(exc) from exc
    click.echo(f"kafka://{running.bootstrap} (pid {running.pid})")


@broker.command("status")
def broker_status() -> None:
    """Show the embedded broker's address, or say that none runs."""
    running = read_embedded_broker()
    if running is None:
        click.echo("no embedded broker is running")
        raise SystemExit(1)
    click.echo(f"kafka://{running.bootstrap} (pid {running.pid})")


@broker.command()
def stop() -> None:
    """Stop the embedded broker; its topics are gone with it."""
    click.echo("stopped" if stop_embedded_broker() else "no embedded broker was running")
