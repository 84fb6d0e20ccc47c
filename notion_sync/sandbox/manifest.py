"""The manifest: ground truth of a generated workspace, and the request budget it implies.

``build_manifest`` lists every page (shared or not), database, data source, user and
Notion-hosted file, with the numbers a test needs to predict an export: each page's block
count, the length of every children list in it, its comment count, its files and which
properties a page object truncates. ``minimum_requests`` turns that into the number of API
calls a perfect exporter needs, per endpoint.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from .files import iso
from .generator import PageNode
from .ids import Kind
from .objects import (
    cover_and_icon,
    database_parent,
    page_comment_count,
    page_parent,
    page_properties,
)
from .pagination import MAX_PAGE_SIZE
from .properties import row_values

if TYPE_CHECKING:
    from .blocks import Block
    from .state import SandboxState

__all__ = ["build_manifest", "manifest_chunks", "minimum_requests"]

JSON = dict[str, Any]
LINK_TYPES = ("child_page", "child_database")


def _walk(state: SandboxState, blocks: list[Block], counts: list[int]) -> tuple[int, int]:
    """Count blocks and block comments below ``blocks``, appending children list sizes."""
    total = comments = 0
    for block in blocks:
        total += 1
        comments += block.comment_count
        if block.has_children and block.type not in LINK_TYPES:
            kids = state.children_of(block)
            counts.append(len(kids))
            sub_total, sub_comments = _walk(state, kids, counts)
            total += sub_total
            comments += sub_comments
    return total, comments


def _files_of(state: SandboxState, page: PageNode) -> list[JSON]:
    ws = state.ws
    out: list[JSON] = []
    cover, icon = cover_and_icon(ws, Kind.PAGE, page.idx, page.id)
    for field, obj in (("cover", cover), ("icon", icon)):
        if obj and obj["type"] in ("file", "external"):
            name = obj["file"].name if obj["type"] == "file" else obj["external"]["url"]
            entry = {"page_field": field, "type": obj["type"], "name": name}
            if obj["type"] == "file":
                entry["file_id"] = obj["file"].file_id
            out.append(entry)
    if page.parent_kind == "data_source":
        for prop in row_values(ws, page).values():
            if prop["type"] != "files":
                continue
            for f in prop["files"]:
                entry = {"property": prop["id"], "type": f["type"], "name": f["name"]}
                if f["type"] == "file":
                    entry["file_id"] = f["file"].file_id
                out.append(entry)
    for block_id, type_, ref, name in state.tree(page.idx).files:
        entry = {"block_id": block_id, "type": type_, "name": name}
        if ref is not None:
            entry["file_id"] = ref.file_id
        out.append(entry)
    return out


def _page_entry(state: SandboxState, page: PageNode) -> JSON:
    ws = state.ws
    entry: JSON = {
        "id": page.id,
        "title": page.title,
        "parent": page_parent(ws, page),
        "shared": page.shared,
        "in_search": page.in_search,
        "in_trash": False,
        "last_edited_time": iso(page.edited),
        "depth": page.depth,
        "special": page.special or None,
        "block_count": 0,
        "children_counts": [],
        "comment_count": 0,
        "block_comment_count": 0,
        "files": [],
        "truncated_properties": {},
    }
    if page.shared:
        tree = state.tree(page.idx)
        counts = [len(tree.top)]
        total, block_comments = _walk(state, tree.top, counts)
        entry.update(
            block_count=total,
            children_counts=counts,
            comment_count=page_comment_count(ws, page),
            block_comment_count=block_comments,
            truncated_properties=page_properties(ws, page)[1],
            files=_files_of(state, page),
        )
    return entry


def manifest_chunks(state: SandboxState) -> Iterator[bytes]:
    """The manifest as JSON, one page at a time, so serving it never holds it whole.

    Only the list of hosted files is accumulated (compactly) until the end.
    """
    ws = state.ws
    head = {
        "workspace_name": ws.name,
        "seed": ws.seed,
        "bot_id": ws.users[ws.bot_idx].id,
        "page_size_max": MAX_PAGE_SIZE,
    }
    yield orjson.dumps(head)[:-1] + b',"pages":['
    # One growing buffer: orjson's small bytes objects carry ~4 KB of spare capacity each,
    # which made a list of them cost gigabytes at 100,000 pages.
    hosted = bytearray()

    def add_file(entry: JSON) -> None:
        hosted.extend((b"," if hosted else b"") + orjson.dumps(entry))

    for page in ws.pages:
        entry = _page_entry(state, page)
        owner = {"type": "page_id", "page_id": page.id}
        for f in entry["files"]:
            if f["type"] == "file":
                add_file({**f, "owner": owner})
        yield (b"," if page.idx else b"") + orjson.dumps(entry)
    databases = []
    for db in ws.databases:
        databases.append(
            {
                "id": db.id,
                "title": db.title,
                "parent": database_parent(ws, db),
                "data_sources": [ws.data_sources[s].id for s in db.data_sources],
                "shared": True,
            }
        )
        cover, icon = cover_and_icon(ws, Kind.DATABASE, db.idx, db.id)
        for field, obj in (("cover", cover), ("icon", icon)):
            if obj and obj["type"] == "file":
                add_file(
                    {
                        "database_field": field,
                        "type": "file",
                        "name": obj["file"].name,
                        "file_id": obj["file"].file_id,
                        "owner": {"type": "database_id", "database_id": db.id},
                    }
                )
    tail = {
        "databases": databases,
        "data_sources": [
            {
                "id": ds.id,
                "database_id": ws.databases[ds.database_idx].id,
                "title": ds.title,
                "row_ids": [ws.pages[r].id for r in ds.rows],
                "shared": True,
            }
            for ds in ws.data_sources
        ],
        "users": [{"id": u.id, "type": u.type, "name": u.name} for u in ws.users],
    }
    yield b"]," + orjson.dumps(tail)[1:-1] + b',"files":[' + bytes(hosted) + b"]}"


def build_manifest(state: SandboxState) -> JSON:
    """The manifest of ``state``'s workspace, as a dict.

    It is a pure function of (seed, pages): ``Sandbox(SandboxConfig(pages=N, seed=S))
    .manifest()`` computes it without starting a server. Cost grows with the workspace
    (about 1.2 s per 1,000 pages, since every page's block tree is generated).
    """
    manifest: JSON = orjson.loads(b"".join(manifest_chunks(state)))
    return manifest


def _pages_of(n: int) -> int:
    return max(1, math.ceil(n / MAX_PAGE_SIZE))


def minimum_requests(manifest: JSON) -> dict[str, int]:
    """Requests a perfect exporter needs, per endpoint and in ``"total"``.

    Strategy assumed: paginate ``POST /v1/search`` (no filter, page_size 100), which
    returns full page and data source objects; list users once; per shared page, one
    children list per page of children of the page and of every block with children
    (child_page / child_database blocks excluded: those are pages and databases of their
    own; a synced reference counts, since it lists its original's children); one comment
    list per page (paginated); the property item pages of truncated properties; one query
    per page of rows of each data source (at least one); one ``GET /v1/databases/{id}`` per
    database with a shared data source, whose object (title, description, icon, its data
    sources) search never serves and an export keeps with each of its data sources; and
    ``GET /v1/pages/{id}`` only for shared pages search does not return, plus the one
    attempt (answered 404) per unshared page that a shared page shows as a child_page block.
    """
    shared = [p for p in manifest["pages"] if p["shared"]]
    shared_ids = {p["id"] for p in shared}
    searchable = sum(1 for p in shared if p["in_search"]) + sum(
        1 for d in manifest["data_sources"] if d["shared"]
    )
    counts = {
        "POST /v1/search": _pages_of(searchable),
        "GET /v1/users": _pages_of(len(manifest["users"])),
        "GET /v1/blocks/{id}/children": sum(
            _pages_of(n) for p in shared for n in p["children_counts"]
        ),
        "GET /v1/comments": sum(_pages_of(p["comment_count"]) for p in shared),
        "GET /v1/pages/{id}/properties/{property_id}": sum(
            math.ceil(total / MAX_PAGE_SIZE)
            for p in shared
            for total in p["truncated_properties"].values()
        ),
        "POST /v1/data_sources/{id}/query": sum(
            _pages_of(len(d["row_ids"])) for d in manifest["data_sources"] if d["shared"]
        ),
        "GET /v1/databases/{id}": len(
            {d["database_id"] for d in manifest["data_sources"] if d["shared"]}
        ),
        "GET /v1/pages/{id}": sum(1 for p in shared if not p["in_search"])
        + sum(
            1
            for p in manifest["pages"]
            if not p["shared"] and p["parent"].get("page_id") in shared_ids
        ),
    }
    counts["total"] = sum(counts.values())
    return counts
