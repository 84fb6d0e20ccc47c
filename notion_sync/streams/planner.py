"""The planner: turns an export request into the first tasks of the export.

It validates again what the CLI validated (a request can come from anywhere), checks
that this worker can resolve the credential, and then owes the user list plus a
search of the workspace (or the requested roots). The fetcher carries planning on
as search pages arrive, since every Notion request belongs to the integration's budget.
"""

from __future__ import annotations

import logging
from typing import cast

import faust

from notion_sync.core.config import Settings, resolve_token
from notion_sync.core.errors import ConfigError
from notion_sync.core.records import ExportRequested, to_record
from notion_sync.core.request import validate_request
from notion_sync.kafka.events import Emitter, now_ms
from notion_sync.streams.tasks import initial_plan

__all__ = ["plan_export", "register_planner"]

log = logging.getLogger(__name__)


async def plan_export(request: ExportRequested, emitter: Emitter, settings: Settings) -> None:
    export_id = request.export_id
    problems = validate_request(to_record(request))
    try:
        resolve_token(settings.notion, request.token_ref)
    except ConfigError as exc:
        problems.append(str(exc))
    if problems:
        log.warning("export %s refused: %s", export_id, "; ".join(problems))
    steps = initial_plan(request, problems, now_ms())
    for event in steps.announce:
        await emitter.announce(event)
    await emitter.publish(emitter.fetch, [(task.token_ref, task) for task in steps.tasks])
    for event in steps.then:
        await emitter.announce(event)
    if steps.tasks:
        log.info("export %s planned: %d first tasks", export_id, len(steps.tasks))


def register_planner(app: faust.App, emitter: Emitter, settings: Settings) -> None:
    @app.agent(emitter.requests, name="planner")
    async def planner(stream: faust.StreamT[bytes]) -> None:
        async for _event, decoded in emitter.decoded(stream, ["ExportRequested"]):
            await plan_export(cast(ExportRequested, decoded.event), emitter, settings)
