"""``notion-sync request``: validate and publish an export request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from notion_sync.cli.common import CliContext, broker_option, fail, resolve_broker
from notion_sync.cli.follow import follow_export, print_outcome
from notion_sync.core.config import DEFAULT_TOKEN_REF
from notion_sync.core.errors import NotionSyncError
from notion_sync.core.request import build_request
from notion_sync.kafka.topics import TopicNames, ensure_topics
from notion_sync.producers.request import publish_request


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format",
        "formats",
        default="json,markdown,html,csv",
        show_default=True,
        help="Comma-separated formats: json, markdown, html, csv.",
    )(func)


def parse_formats(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@click.command()
@broker_option
@format_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Output directory (on the workers' filesystem).",
)
@click.option("--root", "roots", multiple=True, help="Export only this page and its subpages.")
@click.option(
    "--token-ref",
    default=DEFAULT_TOKEN_REF,
    show_default=True,
    help="Name of the credential the workers resolve (never the token itself).",
)
@click.option("--no-comments", is_flag=True, help="Do not fetch comments.")
@click.option("--download-external", is_flag=True, help="Also download externally hosted files.")
@click.option("--follow", is_flag=True, help="Show progress until the export ends.")
@click.option("--timeout", type=float, help="With --follow: give up following after SECONDS.")
@click.pass_obj
def request(
    ctx: CliContext,
    broker: str | None,
    formats: str,
    out_dir: Path,
    roots: tuple[str, ...],
    token_ref: str,
    no_comments: bool,
    download_external: bool,
    follow: bool,
    timeout: float | None,
) -> None:
    """Publish an export request and print its export id."""
    console = Console()
    try:
        settings = ctx.settings(kafka={"broker": broker} if broker else {})
        record = build_request(
            formats=parse_formats(formats),
            out_dir=out_dir,
            token_ref=token_ref,
            roots=roots,
            include_comments=not no_comments,
            download_external=download_external,
        )
        resolved = resolve_broker(settings, start=False)
        ensure_topics(resolved.bootstrap, settings.kafka)
        names = TopicNames(settings.kafka.topic_prefix)
        publish_request(resolved.bootstrap, names.requests, record)
    except NotionSyncError as exc:
        raise fail(exc) from exc
    click.echo(record["export_id"])
    if follow:
        view = follow_export(
            resolved.bootstrap, names.events, record["export_id"], console, timeout=timeout
        )
        raise SystemExit(print_outcome(view, console))
