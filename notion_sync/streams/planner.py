"""The planner: turns an export request into the first tasks of the export.

It validates again what the CLI validated (a request can come from anywhere), checks
that this worker can resolve the credential, and then owes the user list plus a
search of the workspace (or the requested roots). The fetcher carries planning on
as search pages arrive, since every Notion request belongs to the integration's budget.
"""

from __future__ import annotations

import logging
from typing import Any

import faust

from notion_sync.core.config import Settings, resolve_token
from notion_sync.core.errors import ConfigError
from notion_sync.core.request import normalize_id, validate_request
from notion_sync.kafka.events import Emitter, now_ms
from notion_sync.streams.tasks import initial_plan, scheduled_record

__all__ = ["plan_export", "register_planner"]

log = logging.getLogger(__name__)


async def plan_export(request: dict[str, Any], emitter: Emitter, settings: Settings) -> None:
    export_id = request["export_id"]
    problems = validate_request(request)
    try:
        resolve_token(settings.notion, request["token_ref"])
    except ConfigError as exc:
        problems.append(str(exc))
    if problems:
        log.warning("export %s refused: %s", export_id, "; ".join(problems))
        await emitter.event(
            export_id,
            "ExportFailed",
            {
                "export_id": export_id,
                "finished_at": now_ms(),
                "reason": "; ".join(problems),
                "code": "invalid_request",
            },
        )
        return
    request = {**request, "roots": [normalize_id(root) for root in request.get("roots") or []]}
    await emitter.event(
        export_id,
        "ExportStarted",
        {
            "export_id": export_id,
            "started_at": now_ms(),
            "token_ref": request["token_ref"],
            "formats": request["formats"],
            "out_dir": request["out_dir"],
            "roots": request["roots"],
        },
    )
    documents, tasks, planned = initial_plan(request)
    await emitter.event(export_id, "DocumentsScheduled", scheduled_record(export_id, documents))
    await emitter.send_all(
        emitter.fetch, [(task["token_ref"], "FetchTask", task) for task in tasks]
    )
    if planned:
        await emitter.event(
            export_id, "PlanningCompleted", {"export_id": export_id, "search_pages": 0}
        )
    log.info("export %s planned: %d first tasks", export_id, len(tasks))


def register_planner(app: faust.App, emitter: Emitter, settings: Settings) -> None:
    @app.agent(emitter.requests, name="planner")
    async def planner(stream: faust.StreamT[bytes]) -> None:
        async for _event, decoded in emitter.decoded(stream, ["ExportRequested"]):
            await plan_export(decoded.record, emitter, settings)
