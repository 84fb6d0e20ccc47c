"""``notion-sync config check``: what a worker would run with, secrets redacted."""

from __future__ import annotations

import json

import click
import yaml

from notion_sync.cli.common import CliContext, fail
from notion_sync.core.errors import NotionSyncError

__all__ = ["config"]


@click.group()
def config() -> None:
    """Inspect the configuration."""


@config.command()
@click.option(
    "--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True
)
@click.pass_obj
def check(ctx: CliContext, fmt: str) -> None:
    """Validate notion-sync.yaml, .env and NOTION_SYNC_* together and print the result.

    Exits 2 with the offending key and its fix when something is wrong; tokens are
    printed as ``**********``.
    """
    try:
        settings = ctx.settings()
    except NotionSyncError as exc:
        raise fail(exc) from exc
    data = settings.as_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, sort_keys=True))
    else:
        click.echo(yaml.safe_dump(data, sort_keys=True), nl=False)
