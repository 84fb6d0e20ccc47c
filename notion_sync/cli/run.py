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
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import orjson
from rich.console import Console

from notion_sync.cli.common import (
    Broker,
    CliContext,
    fail,
    make_console,
    prepare_out_dir,
    resolve_broker,
)
from notion_sync.cli.follow import follow_export
from notion_sync.cli.options import (
    broker_option,
    content_options,
    formats_option,
    json_option,
    log_level_option,
    markdown_options,
    markdown_overrides,
    notion_url_option,
    out_option,
    quiet_option,
    roots_option,
    token_ref_option,
)
from notion_sync.cli.outcome import print_outcome
from notion_sync.cli.preflight import who_am_i
from notion_sync.core.config import Settings
from notion_sync.core.errors import BrokerError, NotionSyncError
from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.core.process import die_with_parent, python_module
from notion_sync.core.request import build_request
from notion_sync.kafka.broker import ensure_embedded_broker, read_embedded_broker
from notion_sync.kafka.probe import ensure_reachable
from notion_sync.kafka.status import ExportView, fold, read_events
from notion_sync.kafka.topics import TopicNames, ensure_topics
from notion_sync.producers.request import publish_request
from notion_sync.store.atomic import atomic_write
from notion_sync.store.documents import STATE_DIR

__all__ = ["BrokerWatch", "run", "run_export"]

#: Seconds between looks at the broker while an export runs.
CHECK_INTERVAL = 2.0
#: A cluster that has not answered for this long is lost (the embedded broker: at once).
LOST_AFTER = 30.0
#: New embedded brokers started for one export before giving up.
MAX_BROKER_RESTARTS = 3


def start_worker(
    broker: Broker,
    env: dict[str, str],
    config_file: Path | None,
    log_level: str | None,
    log_file: Path,
) -> subprocess.Popen[bytes]:
    """The worker, its log appended to ``log_file``: the terminal is for progress, and the
    log is there to read when something goes wrong (``run`` says where)."""
    command = python_module("notion_sync")
    if config_file is not None:
        command += ["--config", str(config_file)]
    if log_level is not None:
        command += ["--log-level", log_level]
    command += ["worker", "--broker", broker.url]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        return subprocess.Popen(
            # Health/metrics on a free port unless asked: a second `run` must not collide.
            command,
            env={"NOTION_SYNC_WORKER__WEB_PORT": "0", **os.environ, **env},
            preexec_fn=die_with_parent,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _last_lines(path: Path, count: int = 8) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("  " + line for line in lines[-count:])


def stop_worker(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGTERM, and SIGKILL if it has not ended within ``timeout`` seconds (0: at once)."""
    if process.poll() is None and timeout <= 0:
        process.kill()
    elif process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _unfinished_export(
    state_file: Path, broker: Broker, topic: str, security: KafkaSecurity
) -> str | None:
    """The export a previous ``run`` into this directory left unfinished on this broker."""
    try:
        previous = orjson.loads(state_file.read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    if previous.get("bootstrap") != broker.bootstrap:
        return None
    export_id = str(previous.get("export_id"))
    views = fold(read_events(broker.bootstrap, topic, security=security))
    view = views.get(export_id)
    if view is None or view.finished:
        return None
    return export_id


class BrokerWatch:
    """Whether the broker is still there, asked at most every :data:`CHECK_INTERVAL` s.

    The embedded broker is a process of ours: gone means its process or its port is gone.
    A cluster counts as lost once nothing answers for :data:`LOST_AFTER` seconds.
    """

    def __init__(self, broker: Broker, get_time: Callable[[], float] = time.monotonic) -> None:
        self.broker = broker
        self._get_time = get_time
        self._checked = self._answered = get_time()
        self._alive = True

    def alive(self, *, now: bool = False) -> bool:
        at = self._get_time()
        if not now and at - self._checked < CHECK_INTERVAL:
            return self._alive
        self._checked = at
        if self.broker.embedded:
            running = read_embedded_broker()
            self._alive = running is not None and running.bootstrap == self.broker.bootstrap
        else:
            try:
                ensure_reachable(self.broker.bootstrap, timeout=CHECK_INTERVAL)
                self._answered = at
            except BrokerError:
                self._alive = at - self._answered < LOST_AFTER
        return self._alive


def _follow_one_worker(
    settings: Settings,
    broker: Broker,
    request: dict[str, Any],
    console: Console,
    *,
    worker_env: dict[str, str],
    config_file: Path | None,
    log_level: str | None,
    deadline: float | None,
    quiet: bool,
) -> tuple[str, ExportView, bool]:
    """Resume or publish the export on ``broker``, run a worker and follow it.

    Returns the export id, how far it got, and whether the broker is still there.
    """
    names = TopicNames(settings.kafka.topic_prefix)
    ensure_topics(broker.bootstrap, settings.kafka)
    state_file = Path(request["out_dir"]) / STATE_DIR / "run.json"
    security = settings.kafka.security
    export_id = _unfinished_export(state_file, broker, names.events, security)
    if export_id is None:
        export_id = request["export_id"]
        atomic_write(
            state_file, orjson.dumps({"export_id": export_id, "bootstrap": broker.bootstrap})
        )
        publish_request(broker.bootstrap, names.requests, request, security=security)
    else:
        console.print(f"resuming export {export_id}", highlight=False)
    watch = BrokerWatch(broker)
    worker_log = state_file.parent / "worker.log"
    worker = start_worker(broker, worker_env, config_file, log_level, worker_log)
    broker_alive = True
    try:
        view = follow_export(
            broker.bootstrap,
            names.events,
            export_id,
            console,
            timeout=None if deadline is None else max(0.0, deadline - time.monotonic()),
            alive=lambda: worker.poll() is None and watch.alive(),
            quiet=quiet,
            security=security,
        )
        broker_alive = view.finished or watch.alive(now=True)
        if broker_alive and worker.poll() not in (None, 0):
            console.print(
                f"[red]the worker exited with code {worker.returncode}[/]; "
                f"its log is {worker_log}, ending:",
                highlight=False,
            )
            console.print(_last_lines(worker_log), markup=False, highlight=False)
    finally:
        # With its broker gone the worker has nothing left to commit: no grace period.
        stop_worker(worker, timeout=30.0 if broker_alive else 0.0)
    return export_id, view, broker_alive


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
    """Resume this directory's unfinished export or publish ``request``, run a worker, follow.

    If the embedded broker dies on the way (killed, or out of memory), its topics die with
    it: a new one is started and the export is requested again, which re-plans it and
    skips every document the store already holds.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    restarts = 0
    while True:
        export_id, view, broker_alive = _follow_one_worker(
            settings,
            broker,
            request,
            console,
            worker_env=worker_env,
            config_file=config_file,
            log_level=log_level,
            deadline=deadline,
            quiet=quiet,
        )
        if broker_alive:
            return view
        if not broker.embedded or restarts == MAX_BROKER_RESTARTS:
            raise BrokerError(
                f"lost the Kafka broker at {broker.bootstrap} in the middle of export "
                f"{export_id}; what was written is kept: run the same command again to resume"
            )
        console.print(
            "the embedded broker stopped in the middle of the export: starting a new one and "
            "resuming (documents already stored are not fetched again)",
            highlight=False,
        )
        broker = Broker(ensure_embedded_broker().bootstrap, embedded=True)
        request = {**request, "export_id": export_id}
        restarts += 1


@click.command()
@broker_option
@formats_option
@out_option("Output directory; run again with the same one to resume.")
@notion_url_option
@roots_option
@token_ref_option
@content_options
@markdown_options
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
    front_matter: str | None,
    title_heading: bool | None,
    timeout: float | None,
    quiet: bool,
    as_json: bool,
) -> None:
    """Export a workspace on this machine: embedded broker, a worker, progress, done.

    Run the same command again after a crash to resume. The embedded broker stays
    up for `notion-sync replay` until `notion-sync broker stop`.
    """
    console = make_console(stderr=as_json)
    try:
        settings = ctx.settings(
            kafka={"broker": broker} if broker else {},
            notion={"base_url": notion_url} if notion_url else {},
            markdown=markdown_overrides(front_matter, title_heading),
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
        env = {
            "NOTION_SYNC_NOTION__BASE_URL": settings.notion.base_url,
            "NOTION_SYNC_MARKDOWN__FRONT_MATTER": settings.markdown.front_matter,
            "NOTION_SYNC_MARKDOWN__TITLE_HEADING": str(settings.markdown.title_heading).lower(),
        }
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
