"""What a data source task reads, asked of the sandbox: the source, its rows, and always its
database (issue 20), whose hosted icon and cover are downloaded with it."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from notion_sync.core.config import NotionSettings
from notion_sync.notion.client import NotionGateway
from notion_sync.sandbox import Sandbox
from notion_sync.sandbox.config import SandboxConfig
from notion_sync.store.files import FileStore
from notion_sync.streams.reader import Piece, read_data_source

UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[Sandbox, NotionGateway]]:
    async with Sandbox(SandboxConfig(pages=30, seed=7, rate=math.inf)) as sb:
        gw = NotionGateway(NotionSettings(base_url=sb.base_url, rate=1000.0), sb.token, "sandbox")
        yield sb, gw
        await gw.aclose()


async def read(
    gw: NotionGateway, source_id: str, listed: dict[str, Any] | None, root: Path
) -> list[Piece]:
    reading = read_data_source(gw, source_id, listed, FileStore(root), download_external=False)
    return [piece async for piece in reading]


def parts(pieces: list[Piece]) -> dict[str, Any]:
    return {part: value for piece in pieces for part, value in piece.parts if part != "files"}


async def test_a_titled_source_carries_its_database_and_its_files(
    gateway: tuple[Sandbox, NotionGateway], tmp_path: Path
) -> None:
    sb, gw = gateway
    manifest = sb.manifest()
    hosted = {
        f["owner"]["database_id"]: f["name"] for f in manifest["files"] if "database_field" in f
    }
    source = next(s for s in manifest["data_sources"] if s["database_id"] in hosted)
    assert source["title"]  # titled: the database used to be read only for untitled ones
    sb.reset_stats()
    pieces = await read(gw, source["id"], None, tmp_path)
    read_parts = parts(pieces)
    database = read_parts["database"]
    assert database["object"] == "database" and database["id"] == source["database_id"]
    assert {d["id"] for d in database["data_sources"]} >= {source["id"]}
    assert sb.stats()["by_endpoint"]["GET /v1/databases/{id}"] == {"200": 1}
    last = pieces[-1]
    names = {ref["name"] for part, value in last.parts if part == "files" for ref in value.values()}
    assert hosted[source["database_id"]] in names and last.problems == []


async def test_a_database_it_may_not_read_leaves_the_source_exported_and_says_so(
    gateway: tuple[Sandbox, NotionGateway], tmp_path: Path
) -> None:
    sb, gw = gateway
    source_id = sb.manifest()["data_sources"][0]["id"]
    listed = await gw.retrieve_data_source(source_id)
    listed["parent"] = {"type": "database_id", "database_id": UNKNOWN}
    pieces = await read(gw, source_id, listed, tmp_path)
    read_parts = parts(pieces)
    assert "database" not in read_parts and read_parts["data_source"]["id"] == source_id
    assert "rows" in read_parts
    (problem,) = pieces[-1].problems
    assert UNKNOWN in problem and "404" in problem
