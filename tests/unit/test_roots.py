"""What a root the user named is, asked of the sandbox as of Notion (issue 19)."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import orjson
import pytest

from notion_sync.core.config import NotionSettings
from notion_sync.core.errors import InvalidRequest, NotFound
from notion_sync.core.records import FetchTask, TaskKind
from notion_sync.notion.client import NotionGateway
from notion_sync.sandbox import Sandbox
from notion_sync.sandbox.config import SandboxConfig
from notion_sync.streams.failure_policy import RootUnreadable
from notion_sync.streams.roots import resolve_root
from notion_sync.streams.tasks import ROOT


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[Sandbox, NotionGateway]]:
    async with Sandbox(SandboxConfig(pages=30, seed=7, rate=math.inf)) as sb:
        gw = NotionGateway(NotionSettings(base_url=sb.base_url, rate=1000.0), sb.token, "sandbox")
        yield sb, gw
        await gw.aclose()


def root(object_id: str) -> FetchTask:
    return FetchTask(
        export_id="e",
        token_ref="sandbox",
        kind=TaskKind.PAGE,
        object_id=object_id,
        out_dir="/out",
        mode=ROOT,
    )


async def test_a_root_runs_as_what_its_id_names_with_the_object_read(
    gateway: tuple[Sandbox, NotionGateway],
) -> None:
    sb, gw = gateway
    manifest = sb.manifest()
    page = next(p["id"] for p in manifest["pages"] if p["shared"] and not p["in_trash"])
    database, source = manifest["databases"][0]["id"], manifest["data_sources"][0]["id"]
    for object_id, kind, served in [
        (page, TaskKind.PAGE, "page"),
        (database, TaskKind.DATABASE, "database"),
        (source, TaskKind.DATA_SOURCE, "data_source"),
    ]:
        task = await resolve_root(gw, root(object_id))
        assert (task.kind, task.object_id, task.mode) == (kind, object_id, "roots")
        assert task.listed is not None and orjson.loads(task.listed)["object"] == served


async def test_notion_tells_a_database_from_a_page_as_notion_does(
    gateway: tuple[Sandbox, NotionGateway],
) -> None:
    sb, gw = gateway
    database = sb.manifest()["databases"][0]["id"]
    with pytest.raises(InvalidRequest, match="is a database, not a page"):
        await gw.retrieve_page(database)
    with pytest.raises(NotFound):
        await gw.retrieve_database(sb.manifest()["data_sources"][0]["id"])


async def test_a_root_nothing_serves_is_unreadable_naming_the_id_and_the_fix(
    gateway: tuple[Sandbox, NotionGateway],
) -> None:
    sb, gw = gateway
    unshared = next(p["id"] for p in sb.manifest()["pages"] if not p["shared"])
    for object_id in (unshared, "00000000-0000-4000-8000-000000000000"):
        with pytest.raises(RootUnreadable) as caught:
            await resolve_root(gw, root(object_id))
        assert caught.value.code == "root_not_found" and object_id in str(caught.value)
        assert "share" in str(caught.value) and "404 object_not_found" in str(caught.value)
