"""A worker: the Faust app with every agent wired, run by ``faust.Worker``."""

from __future__ import annotations

import gc
import logging

import faust

from notion_sync.core import memory
from notion_sync.core.config import Settings
from notion_sync.core.logs import logging_config
from notion_sync.core.loop_monitor import LoopMonitor
from notion_sync.core.process import exit_unless_done_within
from notion_sync.kafka import faust_patches
from notion_sync.kafka.events import Emitter
from notion_sync.kafka.lag import LagReader
from notion_sync.kafka.topics import TopicNames, ensure_topics, group_id
from notion_sync.notion.client import warm_up
from notion_sync.streams.app import create_app
from notion_sync.streams.fetcher import register_fetcher
from notion_sync.streams.health import HealthService
from notion_sync.streams.ledger import register_ledger
from notion_sync.streams.planner import register_planner
from notion_sync.streams.render import register_render
from notion_sync.streams.sink import register_sink

__all__ = ["build_app", "run_worker"]

log = logging.getLogger(__name__)


def build_app(
    settings: Settings, bootstrap: str, *, embedded: bool, monitor: LoopMonitor | None = None
) -> faust.App:
    """Create the topics if needed and wire planner, fetcher, sink, ledger and render;
    ``monitor`` watches the event loop while the app runs."""
    ensure_topics(bootstrap, settings.kafka)
    faust_patches.install(bootstrap, embedded=embedded, security=settings.kafka.security)
    app = create_app(settings, bootstrap, embedded=embedded)
    emitter = Emitter(app, TopicNames(settings.kafka.topic_prefix))
    register_planner(app, emitter, settings)
    fetcher = register_fetcher(app, emitter, settings)
    register_sink(app, emitter)
    ledger = register_ledger(app, emitter, settings.kafka.topics.export_events.partitions)
    register_render(app, emitter, ledger, settings.markdown)

    if monitor is not None:
        app.task(monitor.run)
    names = TopicNames(settings.kafka.topic_prefix)
    lag = LagReader(
        bootstrap, group_id(names.prefix), names.consumed(), security=settings.kafka.security
    )
    app.task(lag.run)

    @app.timer(interval=memory.TRIM_INTERVAL)
    async def _trim() -> None:
        memory.release_free_memory()

    @app.on_before_shutdown.connect  # type: ignore[arg-type]  # mode types sync receivers only
    async def _close(sender: object, **_: object) -> None:
        exit_unless_done_within(settings.worker.shutdown_timeout)
        await fetcher.close()

    return app


def run_worker(settings: Settings, bootstrap: str, *, embedded: bool) -> None:
    """Run until SIGTERM/SIGINT; Faust stops taking work, commits and leaves the group."""
    memory.configure_malloc()
    warm_up()
    monitor = LoopMonitor()
    app = build_app(settings, bootstrap, embedded=embedded, monitor=monitor)
    # Started before the app (Faust starts extra services first), so probes answer
    # "starting" while the worker joins the group.
    health = HealthService(app, bootstrap, settings.worker.web_host, settings.worker.web_port)
    secrets = [token.get_secret_value() for token in settings.notion.tokens.values()]
    worker = faust.Worker(
        app,
        health,
        loglevel=settings.worker.log_level,
        quiet=True,
        redirect_stdouts=False,
        logging_config=logging_config(
            settings.worker.log_level, settings.worker.log_format, secrets
        ),
    )
    # What is built by now lives as long as the worker: frozen, it is out of reach of the
    # full collections, which otherwise walk every module, class and function each time
    # and held the event loop longer than anything else (bench/results/loop_stalls.md).
    gc.freeze()
    try:
        worker.execute_from_commandline()
    finally:
        monitor.report()
