"""``notion-sync request``: validate and publish an export request."""

from __future__ import annotations

import json
from pathlib import Path

import click

from notion_sync.cli.common import CliContext, fail, make_console, resolve_broker
from notion_sync.cli.follow import follow_export
from notion_sync.cli.options import (
    broker_option,
    content_options,
    formats_option,
    json_option,
    log_level_option,
    out_option,
    quiet_option,
    roots_option,
    token_ref_option,
)
from notion_sync.cli.outcome import print_outcome
from notion_sync.core.errors import NotionSyncError
from notion_sync.core.request import build_request
from notion_sync.kafka.topics import TopicNames, ensure_topics
from notion_sync.producers.request import publish_request


@click.command()
@broker_option
@formats_option
@out_option("Output directory, on the workers' filesystem.")
@roots_option
@token_ref_option
@content_options
@click.option("--follow", is_flag=True, help="Show progress until the export ends.")
@click.option(
    "--timeout", type=float, metavar="SECONDS", help="With --follow: stop following after SECONDS."
)
@quiet_option
@json_option
@log_level_option
@click.pass_obj
def request(
    ctx: CliContext,
    broker: str | None,
    formats: list[str],
    out_dir: Path,
    roots: tuple[str, ...],
    token_ref: str,
    no_comments: bool,
    download_external: bool,
    follow: bool,
    timeout: float | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Publish an export request and print its export id."""
    console = make_console(stderr=as_json)
    try:
        settings = ctx.settings(kafka={"broker": broker} if broker else {})
        record = build_request(
            formats=formats,
            out_dir=out_dir,
            token_ref=token_ref,
            roots=roots,
            include_comments=not no_comments,
            download_external=download_external,
        )
        resolved = resolve_broker(settings, start=False)
        ensure_topics(resolved.bootstrap, settings.kafka, strict=False)
        names = TopicNames(settings.kafka.topic_prefix)
        publish_request(
            resolved.bootstrap, names.requests, record, security=settings.kafka.security
        )
    except NotionSyncError as exc:
        raise fail(exc) from exc
    if not follow:
        click.echo(
            json.dumps({"export_id": record["export_id"]}) if as_json else record["export_id"]
        )
        return
    if not as_json:
        click.echo(record["export_id"])
    view = follow_export(
        resolved.bootstrap,
        names.events,
        record["export_id"],
        console,
        timeout=timeout,
        quiet=quiet or as_json,
        security=settings.kafka.security,
    )
    raise SystemExit(print_outcome(view, console, as_json=as_json))
