"""What a root the user named is: a page, a database or a data source.

``--root`` takes any id or URL from Notion, and nothing in an id says what it names.
A root's task asks Notion in turn: ``GET /v1/pages`` answers a database id with 400
``validation_error`` ("is a database, not a page") and anything else it cannot see with
404; ``GET /v1/databases`` answers a data source id with 404; ``GET /v1/data_sources``
is the last word. The task then runs as a task of that kind, with the object it read.

A root that none of them serves fails the export (:class:`RootUnreadable`): the user
asked for it by name, so an export without it is not the one asked for. Notion answers
404 ``object_not_found`` alike for ids that do not exist and for pages not shared with
the integration, so the message names both.
"""

from __future__ import annotations

from typing import Any

import msgspec
import orjson

from notion_sync.core.errors import Forbidden, InvalidRequest, NotFound
from notion_sync.core.records import FetchTask, TaskKind
from notion_sync.notion.client import NotionGateway
from notion_sync.streams.failure_policy import RootUnreadable
from notion_sync.streams.tasks import ROOTS

__all__ = ["resolve_root"]


def _as(task: FetchTask, kind: TaskKind, found: dict[str, Any]) -> FetchTask:
    return msgspec.structs.replace(task, kind=kind, mode=ROOTS, listed=orjson.dumps(found))


async def resolve_root(gw: NotionGateway, task: FetchTask) -> FetchTask:
    """The root's task as a task of the kind its id names, carrying the object read."""
    root = task.object_id or ""
    try:
        try:
            return _as(task, TaskKind.PAGE, await gw.retrieve_page(root))
        except (NotFound, InvalidRequest):
            pass
        try:
            return _as(task, TaskKind.DATABASE, await gw.retrieve_database(root))
        except (NotFound, InvalidRequest):
            pass
        return _as(task, TaskKind.DATA_SOURCE, await gw.retrieve_data_source(root))
    except (NotFound, InvalidRequest, Forbidden) as exc:
        raise RootUnreadable(root, exc) from exc
