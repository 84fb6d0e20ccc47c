"""``notion-sync run``: the single-machine mode (embedded broker, one worker, one export).

The broker runs detached so a crash of this command loses nothing: running the
same command again with the same ``--out`` reattaches to the broker and to the
unfinished export (recorded in ``<out>/.notion-sync/run.json``) instead of
starting over. The worker is a child process that dies with this one.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import click
import orjson
from rich.console import Console

from notion_sync.cli.common import Broker, CliContext, fail, prepare_out_dir, resolve_broker
from notion_sync.cli.follow import follow_export
from notion_sync.cli.options import (
    broker_option,
    content_options,
    formats_option,
    json_option,
    log_level_option,
    notion_url_option,
    out_option,
    quiet_option,
    roots_option,
    token_ref_option,
)
from notion_sync.cli.outcome import print_outcome
from notion_sync.cli.preflight import who_am_i
from notion_sync.core.config import Settings
from notion_sync.core.errors import NotionSyncError
from notion_sync.core.process import die_with_parent, python_module
from notion_sync.core.request import build_request
from notion_sync.kafka.status import ExportView, fold, read_events
from notion_sync.kafka.topics import TopicNames, ensure_topics
from notion_sync.producers.request import publish_request
from notion_sync.store.atomic import atomic_write
from notion_sync.store.documents import STATE_DIR

__all__ = ["run", "run_export"]


def start_worker(
    broker: Broker, env: dict[str, str], config_file: Path | None, log_level: str | None
) -> subprocess.Popen[bytes]:
    command = python_module("notion_sync")
    if config_file is not None:
        command += ["--config", str(config_file)]
    if log_level is not None:
        command += ["--log-level", log_level]
    command += ["worker", "--broker", broker.url]
    return subprocess.Popen(
        # Health/metrics on a free port unless asked: a second `run` must not collide on 6066.
        command,
        env={"NOTION_SYNC_WORKER__WEB_PORT": "0", **os.environ, **env},
        preexec_fn=die_with_parent,
        stdin=subprocess.DEVNULL,
    )


def stop_worker(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _unfinished_export(state_file: Path, broker: Broker, topic: str) -> str | None:
    """The export a previous ``run`` into this directory left unfinished on this broker."""
    try:
        previous = orjson.loads(state_file.read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    if previous.get("bootstrap") != broker.bootstrap:
        return None
    export_id = str(previous.get("export_id"))
    views = fold(read_events(broker.bootstrap, topic))
    view = views.get(export_id)
    if view is None or view.finished:
        return None
    return export_id


def run_export(
    settings: Settings,
    broker: Broker,
    request: dict[str, Any],
    console: Console,
    *,
    worker_env: dict[str, str],
    config_file: Path | None = None,
    log_level: str | None = None,
    timeout: float | None = None,
    quiet: bool = False,
) -> ExportView:
    """Resume this directory's unfinished export or publish ``request``, run a worker, follow."""
    names = TopicNames(settings.kafka.topic_prefix)
    ensure_topics(broker.bootstrap, settings.kafka)
    out_dir = Path(request["out_dir"])
    state_file = out_dir / STATE_DIR / "run.json"
    export_id = _unfinished_export(state_file, broker, names.events)
    if export_id is None:
        export_id = request["export_id"]
        atomic_write(
            state_file, orjson.dumps({"export_id": export_id, "bootstrap": broker.bootstrap})
        )
        publish_request(broker.bootstrap, names.requests, request)
    else:
        console.print(f"resuming export {export_id}", highlight=False)
    worker = start_worker(broker, worker_env, config_file, log_level)
    try:
        view = follow_export(
            broker.bootstrap,
            names.events,
            export_id,
            console,
            timeout=timeout,
            alive=lambda: worker.poll() is None,
            quiet=quiet,
        )
        if worker.poll() not in (None, 0):
            console.print(f"[red]the worker exited with code {worker.returncode}[/]")
    finally:
        stop_worker(worker)
    return view


@click.command()
@broker_option
@formats_option
@out_option("Output directory; run again with the same one to resume.")
@notion_url_option
@roots_option
@token_ref_option
@content_options
@click.option(
    "--timeout",
    type=float,
    metavar="SECONDS",
    help="Stop after SECONDS (run the same command again to resume).",
)
@quiet_option
@json_option
@log_level_option
@click.pass_obj
def run(
    ctx: CliContext,
    broker: str | None,
    formats: list[str],
    out_dir: Path,
    notion_url: str | None,
    roots: tuple[str, ...],
    token_ref: str,
    no_comments: bool,
    download_external: bool,
    timeout: float | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Export a workspace on this machine: embedded broker, a worker, progress, done.

    Run the same command again after a crash to resume. The embedded broker stays
    up for `notion-sync replay` until `notion-sync broker stop`.
    """
    console = Console(stderr=as_json)
    try:
        settings = ctx.settings(
            kafka={"broker": broker} if broker else {},
            notion={"base_url": notion_url} if notion_url else {},
        )
        prepare_out_dir(out_dir)
        request = build_request(
            formats=formats,
            out_dir=out_dir,
            token_ref=token_ref,
            roots=roots,
            include_comments=not no_comments,
            download_external=download_external,
        )
        # The worker is our child with our environment and config: a missing or wrong
        # token, or a Notion out of reach, is known now, before anything is published.
        who_am_i(settings, token_ref)
        resolved = resolve_broker(settings)
        env = {"NOTION_SYNC_NOTION__BASE_URL": settings.notion.base_url}
        view = run_export(
            settings,
            resolved,
            request,
            console,
            worker_env=env,
            config_file=ctx.config_file,
            log_level=ctx.log_level,
            timeout=timeout,
            quiet=quiet or as_json,
        )
    except NotionSyncError as exc:
        raise fail(exc) from exc
    raise SystemExit(print_outcome(view, console, as_json=as_json))
