"""The generated content covers every rich text feature, nesting, synced blocks, tabs and
block-level comment threads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from notion_sync.sandbox import Sandbox
from notion_sync.sandbox.blocks import MENTION_KINDS
from notion_sync.sandbox.richtext import COLORS

from . import shapes
from .helpers import get, manifest_page


async def _tree(
    http: httpx.AsyncClient, sb: Sandbox, block_id: str, depth: int = 0
) -> list[tuple[int, dict[str, Any]]]:
    out: list[tuple[int, dict[str, Any]]] = []
    body = (await get(http, sb, f"blocks/{block_id}/children")).json()
    assert not body["has_more"]
    for block in body["results"]:
        out.append((depth, block))
        if block["has_children"] and block["type"] not in ("child_page", "child_database"):
            out += await _tree(http, sb, block["id"], depth + 1)
    return out


def _rich(block: dict[str, Any]) -> list[dict[str, Any]]:
    content = block[block["type"]]
    return list(content.get("rich_text", [])) + list(content.get("caption", []))


@pytest.mark.asyncio
async def test_showcase_page_has_every_feature(sandbox: Sandbox) -> None:
    page = manifest_page(sandbox.manifest(), special="showcase")
    async with httpx.AsyncClient(timeout=60) as http:
        tree = await _tree(http, sandbox, page["id"])
    items = [item for _, block in tree for item in _rich(block)]
    colors = {i["annotations"]["color"] for i in items}
    assert colors == set(COLORS)
    for flag in ("bold", "italic", "strikethrough", "underline", "code"):
        assert any(i["annotations"][flag] for i in items), flag
    assert any(i["type"] == "text" and i["text"]["link"] for i in items)
    assert any(i["type"] == "equation" for i in items)
    assert {i["mention"]["type"] for i in items if i["type"] == "mention"} >= set(MENTION_KINDS)
    blocks = [b for _, b in tree]
    languages = {b["code"]["language"] for b in blocks if b["type"] == "code"}
    assert len(languages) >= 3
    list_depths = [d for d, b in tree if b["type"] == "bulleted_list_item"]
    assert max(list_depths) >= 3
    assert any(
        b["type"].startswith("heading") and b[b["type"]]["is_toggleable"] and b["has_children"]
        for b in blocks
    )
    tab = next(b for b in blocks if b["type"] == "tab")
    tab_children = [
        b for d, b in tree if b["parent"] == {"type": "block_id", "block_id": tab["id"]}
    ]
    assert tab_children and all(b["type"] == "paragraph" for b in tab_children)
    original = next(
        b
        for b in blocks
        if b["type"] == "synced_block" and b["synced_block"]["synced_from"] is None
    )
    assert original["has_children"]
    linked = {b["link_to_page"]["type"] for b in blocks if b["type"] == "link_to_page"}
    assert linked == {"page_id", "database_id"}


@pytest.mark.asyncio
async def test_synced_reference_serves_the_original_children(sandbox: Sandbox) -> None:
    manifest = sandbox.manifest()
    ref_page = manifest_page(manifest, special="synced_ref")
    async with httpx.AsyncClient(timeout=60) as http:
        top = (await get(http, sandbox, f"blocks/{ref_page['id']}/children")).json()["results"]
        ref = top[0]
        assert ref["type"] == "synced_block"
        original_id = ref["synced_block"]["synced_from"]["block_id"]
        original = (await get(http, sandbox, f"blocks/{original_id}")).json()
        shapes.block(original)
        assert original["synced_block"]["synced_from"] is None
        via_ref = (await get(http, sandbox, f"blocks/{ref['id']}/children")).json()
        via_original = (await get(http, sandbox, f"blocks/{original_id}/children")).json()
    assert [b["id"] for b in via_ref["results"]] == [b["id"] for b in via_original["results"]]


@pytest.mark.asyncio
async def test_block_comment_threads(sandbox: Sandbox) -> None:
    manifest = sandbox.manifest()
    page = max(manifest["pages"], key=lambda p: (p["block_comment_count"] > 0, -p["block_count"]))
    assert page["block_comment_count"] > 0
    total = 0
    async with httpx.AsyncClient(timeout=60) as http:
        for _, block in await _tree(http, sandbox, page["id"]):
            if block["type"] in ("child_page", "child_database"):
                continue
            body = (await get(http, sandbox, "comments", block_id=block["id"])).json()
            shapes.list_response(body, "comment")
            for comment in body["results"]:
                shapes.comment(comment)
                assert comment["parent"] == {"type": "block_id", "block_id": block["id"]}
            total += len(body["results"])
    assert total == page["block_comment_count"]


@pytest.mark.asyncio
async def test_long_page_discussion_paginates(sandbox: Sandbox) -> None:
    page = manifest_page(sandbox.manifest(), special="many_comments")
    assert page["comment_count"] > 100
    async with httpx.AsyncClient(timeout=60) as http:
        first = (await get(http, sandbox, "comments", block_id=page["id"])).json()
        second = (
            await get(
                http, sandbox, "comments", block_id=page["id"], start_cursor=first["next_cursor"]
            )
        ).json()
    assert len(first["results"]) == 100 and first["has_more"]
    assert len(first["results"]) + len(second["results"]) == page["comment_count"]
    threads = {c["discussion_id"] for c in first["results"] + second["results"]}
    assert 1 < len(threads) < page["comment_count"]
