"""The ``notion-sync`` command: one group, one module per subcommand.

Subcommands are imported only when they run: the worker is a long-lived process
with a memory budget, and the sandbox's web server, rich's terminal UI and the
replay reader are not part of it.
"""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path
from typing import Literal

import click

from notion_sync import __version__
from notion_sync.cli.common import CliContext
from notion_sync.cli.options import LOG_LEVELS
from notion_sync.core.errors import EXIT_CODES
from notion_sync.core.logs import configure_logging

__all__ = ["main"]

#: Subcommand name → its module in ``notion_sync.cli`` (the command is the module's
#: attribute of the same name), in the order ``--help`` lists them.
SUBCOMMANDS = (
    "worker",
    "request",
    "run",
    "status",
    "doctor",
    "demo",
    "broker",
    "config",
    "replay",
    "sandbox",
)


class LazyGroup(click.Group):
    """A group that imports a subcommand's module on first use (click's lazy-loading recipe)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in SUBCOMMANDS:
            return None
        command = getattr(importlib.import_module(f"notion_sync.cli.{cmd_name}"), cmd_name)
        if not isinstance(command, click.Command):
            raise TypeError(f"notion_sync.cli.{cmd_name}.{cmd_name} is not a click command")
        return command


def _exit_codes() -> str:
    rows = "\n".join(f"  {int(code)}  {meaning}" for code, meaning in EXIT_CODES.items())
    return f"\b\nExit codes:\n{rows}"


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_exit_codes(),
)
@click.version_option(__version__, prog_name="notion-sync")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    envvar="NOTION_SYNC_CONFIG",
    help="YAML settings file (default: ./notion-sync.yaml if present).",
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    envvar="NOTION_SYNC_LOG_LEVEL",
    help="Log level (default WARNING; the worker's from worker.log_level). Also accepted "
    "after the subcommand.",
)
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
    log_level: str | None,
    log_format: Literal["text", "json"] | None,
) -> None:
    """Export whole Notion workspaces through a Kafka streaming pipeline."""
    # A pipe or a CI log gets each line as it is printed, not a block at exit.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(line_buffering=True)
    configure_logging(log_level or "WARNING", log_format or "text")
    overrides = {"worker": {"log_format": log_format}} if log_format else {}
    ctx.obj = CliContext(
        config_file=config_file,
        overrides=overrides,
        log_level=log_level.upper() if log_level else None,
        log_format=log_format or "text",
    )
