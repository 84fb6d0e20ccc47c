"""What one fetch task reads from Notion, returned as a document plus what it discovered.

A page is its object (as listed, else retrieved), its block tree (children lists of
100, recursing only where ``has_children`` and never into child pages or
databases, which are documents of their own), its page-level comments, the full
lists of properties Notion truncated at 25 references, and its files.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from notion_sync.notion.client import NotionGateway
from notion_sync.notion.files import FileLink, download_files, find_files
from sinks.document import USERS_DOCUMENT_ID, Document
from sinks.store import FileStore

__all__ = [
    "Collected",
    "Discovered",
    "collect_data_source",
    "collect_database",
    "collect_page",
    "collect_users",
]

#: Notion shows at most this many references per property in a page object.
PROPERTY_REFERENCE_LIMIT = 25
_CHILD_DOCUMENT_TYPES = ("child_page", "child_database")


@dataclass(frozen=True)
class Discovered:
    """A document found while fetching another one (``kind`` is page, data_source or database)."""

    id: str
    kind: str
    listed: dict[str, Any] | None = None


@dataclass
class Collected:
    doc: Document | None
    discovered: list[Discovered] = field(default_factory=list)
    blocks: int = 0
    problems: list[str] = field(default_factory=list)


async def _block_tree(gw: NotionGateway, block_id: str) -> list[dict[str, Any]]:
    children = [block async for block in gw.paginate(lambda c: gw.block_children(block_id, c))]
    nested = [
        block
        for block in children
        if block.get("has_children") and block.get("type") not in _CHILD_DOCUMENT_TYPES
    ]
    subtrees = await asyncio.gather(*(_block_tree(gw, str(block["id"])) for block in nested))
    for block, subtree in zip(nested, subtrees, strict=True):
        block["children"] = subtree
    return children


def walk_blocks(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        yield block
        yield from walk_blocks(block.get("children") or [])


async def _property_items(
    gw: NotionGateway, page_id: str, property_id: str
) -> list[dict[str, Any]]:
    return [
        item async for item in gw.paginate(lambda c: gw.property_items(page_id, property_id, c))
    ]


async def _truncated_properties(
    gw: NotionGateway, page: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    full: dict[str, list[dict[str, Any]]] = {}
    for prop in (page.get("properties") or {}).values():
        if not isinstance(prop, dict):
            continue
        kind = prop.get("type")
        values = prop.get(kind) if isinstance(kind, str) else None
        truncated = prop.get("has_more") is True or (
            isinstance(values, list) and len(values) >= PROPERTY_REFERENCE_LIMIT
        )
        if truncated and prop.get("id"):
            full[str(prop["id"])] = await _property_items(gw, str(page["id"]), str(prop["id"]))
    return full


async def _files(
    gw: NotionGateway, objects: list[dict[str, Any]], store: FileStore, download_external: bool
) -> tuple[dict[str, Any], list[str]]:
    links = [link for obj in objects for link in find_files(obj)]

    async def fetch(url: str) -> tuple[int, bytes, str]:
        response = await gw.download(url)
        return (
            response.status_code,
            response.content,
            response.headers.get("content-type", "application/octet-stream"),
        )

    async def refresh(link: FileLink) -> str | None:
        fresh = (
            await gw.retrieve_block(link.owner_id)
            if link.owner_kind == "block"
            else await gw.retrieve_page(link.owner_id)
            if link.owner_kind == "page"
            else await gw.retrieve_data_source(link.owner_id)
        )
        for candidate in find_files(fresh):
            if candidate.name == link.name:
                return candidate.url
        return None

    refs, problems = await download_files(
        links, store, fetch, refresh, download_external=download_external
    )
    return dict(refs), problems


async def collect_page(
    gw: NotionGateway,
    page_id: str,
    listed: dict[str, Any] | None,
    files: FileStore,
    *,
    include_comments: bool,
    download_external: bool,
) -> Collected:
    page = listed if listed is not None else await gw.retrieve_page(page_id)
    blocks, comments, property_items = await asyncio.gather(
        _block_tree(gw, page_id),
        _comments(gw, page_id) if include_comments else _nothing(),
        _truncated_properties(gw, page),
    )
    all_blocks = list(walk_blocks(blocks))
    file_refs, problems = await _files(gw, [page, *all_blocks, *comments], files, download_external)
    discovered = [
        Discovered(str(block["id"]), "page" if block["type"] == "child_page" else "database")
        for block in all_blocks
        if block.get("type") in _CHILD_DOCUMENT_TYPES
    ]
    doc: Document = {
        "kind": "page",
        "id": page_id,
        "page": page,
        "blocks": blocks,
        "comments": comments,
        "property_items": property_items,
        "files": file_refs,
    }
    return Collected(doc, discovered, len(all_blocks), problems)


async def _nothing() -> list[dict[str, Any]]:
    return []


async def _comments(gw: NotionGateway, block_id: str) -> list[dict[str, Any]]:
    return [item async for item in gw.paginate(lambda c: gw.comments(block_id, c))]


async def collect_data_source(
    gw: NotionGateway,
    data_source_id: str,
    listed: dict[str, Any] | None,
    files: FileStore,
    *,
    download_external: bool,
) -> Collected:
    source = listed if listed is not None else await gw.retrieve_data_source(data_source_id)
    rows = [row async for row in gw.paginate(lambda c: gw.query_data_source(data_source_id, c))]
    # The rows carry their own signed file URLs (icons, covers, files properties): the data
    # source owns copies too, so its renderers can point at them instead of at links that
    # expire in an hour and differ on every run (byte-identical exports, issue 5).
    file_refs, problems = await _files(gw, [source, *rows], files, download_external)
    doc: Document = {
        "kind": "data_source",
        "id": data_source_id,
        "data_source": source,
        "rows": rows,
        "property_items": {},
        "files": file_refs,
    }
    discovered = [Discovered(str(row["id"]), "page", row) for row in rows]
    return Collected(doc, discovered, 0, problems)


async def collect_database(gw: NotionGateway, database_id: str) -> Collected:
    """A database found as a child block: its data sources are the documents."""
    database = await gw.retrieve_database(database_id)
    discovered = [
        Discovered(str(source["id"]), "data_source")
        for source in database.get("data_sources") or []
        if isinstance(source, dict) and source.get("id")
    ]
    return Collected(None, discovered)


async def collect_users(gw: NotionGateway) -> Collected:
    users = [user async for user in gw.paginate(gw.users)]
    return Collected({"kind": "users", "id": USERS_DOCUMENT_ID, "users": users})
