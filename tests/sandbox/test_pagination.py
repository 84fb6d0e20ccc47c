"""Pagination edges: 0, exactly 100 and 101 children, a 2,000+ block page, cursors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from notion_sync.sandbox import Sandbox

from . import shapes
from .helpers import get, manifest_page, post


async def _pages(
    http: httpx.AsyncClient, sb: Sandbox, path: str, **params: Any
) -> list[dict[str, Any]]:
    out = []
    cursor = None
    while True:
        extra = {"start_cursor": cursor} if cursor else {}
        resp = await get(http, sb, path, **params, **extra)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        shapes.list_response(body, "block")
        out.append(body)
        if not body["has_more"]:
            return out
        cursor = body["next_cursor"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("special", "sizes"),
    [
        ("empty", [0]),
        ("exact100", [100]),
        ("exact101", [100, 1]),
    ],
)
async def test_children_edges(sandbox: Sandbox, special: str, sizes: list[int]) -> None:
    page = manifest_page(sandbox.manifest(), special=special)
    assert page["children_counts"][0] == sum(sizes)
    async with httpx.AsyncClient(timeout=60) as http:
        pages = await _pages(http, sandbox, f"blocks/{page['id']}/children")
    assert [len(p["results"]) for p in pages] == sizes


@pytest.mark.asyncio
async def test_huge_page_and_small_page_size(sandbox: Sandbox) -> None:
    page = manifest_page(sandbox.manifest(), special="huge")
    assert page["block_count"] >= 2000
    async with httpx.AsyncClient(timeout=60) as http:
        full = await _pages(http, sandbox, f"blocks/{page['id']}/children")
        assert len(full) == 21
        small = await _pages(http, sandbox, f"blocks/{page['id']}/children", page_size=7)
    ids = [b["id"] for p in full for b in p["results"]]
    assert ids == [b["id"] for p in small for b in p["results"]]
    assert len(ids) == len(set(ids)) == page["children_counts"][0]


@pytest.mark.asyncio
async def test_cursor_is_scoped_to_its_list(sandbox: Sandbox) -> None:
    manifest = sandbox.manifest()
    huge = manifest_page(manifest, special="huge")["id"]
    other = manifest_page(manifest, special="exact101")["id"]
    async with httpx.AsyncClient(timeout=60) as http:
        first = (await get(http, sandbox, f"blocks/{huge}/children")).json()
        foreign = await get(
            http, sandbox, f"blocks/{other}/children", start_cursor=first["next_cursor"]
        )
        search = (await post(http, sandbox, "search", {"page_size": 3})).json()
        reuse = await post(
            http,
            sandbox,
            "search",
            {"page_size": 3, "query": "x", "start_cursor": search["next_cursor"]},
        )
    shapes.error(foreign.json(), 400, "validation_error")
    shapes.error(reuse.json(), 400, "validation_error")


@pytest.mark.asyncio
async def test_search_filter_sort_and_query(sandbox: Sandbox) -> None:
    manifest = sandbox.manifest()
    searchable = [p for p in manifest["pages"] if p["in_search"]]
    async with httpx.AsyncClient(timeout=60) as http:
        pages_only = (
            await post(
                http,
                sandbox,
                "search",
                {
                    "filter": {"property": "object", "value": "page"},
                    "page_size": 100,
                    "sort": {"timestamp": "last_edited_time", "direction": "ascending"},
                },
            )
        ).json()
        sources = (
            await post(
                http, sandbox, "search", {"filter": {"property": "object", "value": "data_source"}}
            )
        ).json()
        hit = (await post(http, sandbox, "search", {"query": "meeting NOTES"})).json()
    assert all(r["object"] == "page" for r in pages_only["results"])
    times = [r["last_edited_time"] for r in pages_only["results"]]
    assert times == sorted(times)
    assert {r["id"] for r in sources["results"]} == {d["id"] for d in manifest["data_sources"]}
    expected = {p["id"] for p in searchable if "meeting notes" in p["title"].lower()}
    assert len(expected) >= 3  # the duplicate hostile titles
    assert {r["id"] for r in hit["results"]} == expected
