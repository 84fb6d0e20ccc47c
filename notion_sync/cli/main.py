"""The ``notion-sync`` command: one group, one module per subcommand."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from notion_sync import __version__
from notion_sync.cli.broker import broker
from notion_sync.cli.common import CliContext
from notion_sync.cli.config import config
from notion_sync.cli.demo import demo
from notion_sync.cli.replay import replay
from notion_sync.cli.request import request
from notion_sync.cli.run import run
from notion_sync.cli.sandbox import sandbox
from notion_sync.cli.status import status
from notion_sync.cli.worker import worker
from notion_sync.logs import configure_logging

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="notion-sync")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    envvar="NOTION_SYNC_CONFIG",
    help="YAML settings file (default: ./notion-sync.yaml if present).",
)
@click.option("--log-level", default="WARNING", show_default=True, envvar="NOTION_SYNC_LOG_LEVEL")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default=None,
    envvar="NOTION_SYNC_WORKER__LOG_FORMAT",
    help="text (default) or json: one JSON object per line, tokens redacted.",
)
@click.pass_context
def main(
    ctx: click.Context,
    config_file: Path | None,
    log_level: str,
    log_format: Literal["text", "json"] | None,
) -> None:
    """Export whole Notion workspaces through a Kafka streaming pipeline."""
    configure_logging(log_level, log_format or "text")
    overrides = {"worker": {"log_format": log_format}} if log_format else {}
    ctx.obj = CliContext(config_file=config_file, overrides=overrides, log_level=log_level.upper())


for command in (worker, request, run, status, demo, broker, config):
    main.add_command(command)
main.add_command(replay)

main.add_command(sandbox)
