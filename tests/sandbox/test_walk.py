"""The official notion-client walks the whole generated workspace, and everything agrees
with the manifest: objects, block trees, comments, files and the request budget."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import notion_client
import pytest

from notion_sync.sandbox import Sandbox, minimum_requests
from notion_sync.sandbox.blocks import ALL_BLOCK_TYPES

from .walker import Walker, WalkResult


def _check_against_manifest(result: WalkResult, manifest: dict[str, Any]) -> None:
    shared = {p["id"]: p for p in manifest["pages"] if p["shared"]}
    assert set(result.pages) == set(shared)
    for page_id, entry in shared.items():
        report = result.reports[page_id]
        assert report.block_count == entry["block_count"], entry["title"]
        assert report.children_counts == entry["children_counts"], entry["title"]
        assert report.comment_count == entry["comment_count"]
        hosted = [f for f in entry["files"] if f["type"] == "file"]
        assert len(report.hosted_files) == len(hosted), entry["title"]
        page = result.pages[page_id]
        assert page["parent"] == entry["parent"]
        assert page["last_edited_time"] == entry["last_edited_time"]
        for prop_id, total in entry["truncated_properties"].items():
            assert len(result.full_properties[(page_id, prop_id)]) == total
    unshared = {p["id"] for p in manifest["pages"] if not p["shared"]}
    assert result.unshared <= unshared and result.unshared
    assert {d["id"] for d in manifest["data_sources"]} == set(result.data_sources)
    assert {d["database_id"] for d in manifest["data_sources"]} == set(result.databases)
    for ds in manifest["data_sources"]:
        assert result.rows[ds["id"]] == ds["row_ids"]
    assert {u["id"] for u in result.users} == {u["id"] for u in manifest["users"]}
    seen_types = set().union(*(r.block_types for r in result.reports.values()))
    assert seen_types >= set(ALL_BLOCK_TYPES)


def _budget_matches(stats: dict[str, Any], manifest: dict[str, Any]) -> None:
    budget = minimum_requests(manifest)
    spent = {k: sum(v.values()) for k, v in stats["by_endpoint"].items()}
    for endpoint, count in budget.items():
        if endpoint != "total":
            assert spent.get(endpoint, 0) == count, endpoint
    assert stats["requests_total"] == budget["total"]
    assert stats["faults"] == stats["rate_limited"] == 0


@pytest.mark.asyncio
async def test_async_client_walks_everything(sandbox: Sandbox) -> None:
    http = httpx.AsyncClient(timeout=30)
    client = notion_client.AsyncClient(
        auth=sandbox.token, base_url=sandbox.base_url, client=http, retry=False
    )
    try:
        result = await Walker(client, concurrency=8).run()
    finally:
        await http.aclose()
    manifest = sandbox.manifest()
    _check_against_manifest(result, manifest)
    _budget_matches(sandbox.stats(), manifest)


@pytest.mark.asyncio
async def test_sync_client_walks_everything(sandbox_thread: Sandbox) -> None:
    with httpx.Client(timeout=30) as http:
        client = notion_client.Client(
            auth=sandbox_thread.token, base_url=sandbox_thread.base_url, client=http, retry=False
        )
        result = await Walker(client, concurrency=1).run()
    manifest = await asyncio.to_thread(sandbox_thread.manifest)
    _check_against_manifest(result, manifest)
    _budget_matches(sandbox_thread.stats(), manifest)
