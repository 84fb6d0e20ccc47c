"""What one fetch task reads from Notion: its document, piece by piece, and what it found.

A page is its object (as listed, else retrieved), its block tree (children lists of
100, recursing only where ``has_children`` and never into child pages or
databases, which are documents of their own), its page-level comments, the full
lists of properties Notion truncated at 25 references, and its files. A data
source is its object and its rows.

A document comes as :class:`Piece` s that the fetcher sends on before the next is
read, so a task holds one piece, not a document: the top-level blocks of one
children list (≤100) with their subtrees, or the rows of one query (≤100). Each
piece carries the files its objects use, downloaded before their links expire,
and the documents it discovered.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

from notion_sync.notion.client import NotionGateway
from notion_sync.notion.files import FileLink, download_files, find_files
from sinks.chunks import flatten_blocks
from sinks.store import FileStore

__all__ = [
    "Discovered",
    "Piece",
    "read_data_source",
    "read_database",
    "read_page",
    "read_users",
]

#: Notion shows at most this many references per property in a page object.
PROPERTY_REFERENCE_LIMIT = 25
CHILD_DOCUMENT_TYPES = ("child_page", "child_database")


@dataclass(frozen=True)
class Discovered:
    """A document found while fetching another one (``kind`` is page, data_source or database)."""

    id: str
    kind: str
    listed: dict[str, Any] | None = None


@dataclass
class Piece:
    """Part of a document as ``(part, value)`` pairs (see :mod:`sinks.chunks`), with the
    documents it led to; a piece with no parts only discovers."""

    parts: list[tuple[str, Any]] = field(default_factory=list)
    discovered: list[Discovered] = field(default_factory=list)
    blocks: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def child_document(block: dict[str, Any]) -> Discovered:
    """The page or database a ``child_page`` / ``child_database`` block stands for."""
    return Discovered(str(block["id"]), "page" if block["type"] == "child_page" else "database")


async def _subtrees(gw: NotionGateway, blocks: list[dict[str, Any]]) -> None:
    """Give every block with children its subtree, read concurrently."""
    nested = [
        block
        for block in blocks
        if block.get("has_children") and block.get("type") not in CHILD_DOCUMENT_TYPES
    ]
    subtrees = await asyncio.gather(*(_block_tree(gw, str(block["id"])) for block in nested))
    for block, subtree in zip(nested, subtrees, strict=True):
        block["children"] = subtree


async def _block_tree(gw: NotionGateway, block_id: str) -> list[dict[str, Any]]:
    children = [block async for block in gw.paginate(lambda c: gw.block_children(block_id, c))]
    await _subtrees(gw, children)
    return children


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


class _Files:
    """One document's file downloads: each URL once, however many pieces use it."""

    def __init__(self, gw: NotionGateway, store: FileStore, download_external: bool) -> None:
        self.gw = gw
        self.store = store
        self.download_external = download_external
        self.done: set[str] = set()

    async def _refresh(self, link: FileLink) -> str | None:
        gw = self.gw
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

    async def piece(
        self,
        parts: list[tuple[str, Any]],
        objects: Iterable[dict[str, Any]],
        discovered: list[Discovered] | None = None,
        blocks: int = 0,
    ) -> Piece:
        """A piece of ``parts``, with the files of ``objects`` downloaded and added to it."""
        links = [link for obj in objects for link in find_files(obj)]
        refs, problems = await download_files(
            links,
            self.store,
            self.gw.download,
            self._refresh,
            download_external=self.download_external,
            done=self.done,
        )
        return Piece([*parts, ("files", refs)], discovered or [], blocks, len(refs), problems)


async def read_page(
    gw: NotionGateway,
    page: dict[str, Any],
    store: FileStore,
    *,
    include_comments: bool,
    download_external: bool,
) -> AsyncIterator[Piece]:
    """A page (as listed or retrieved) and everything under it, a children list at a time."""
    page_id = str(page["id"])
    files = _Files(gw, store, download_external)
    async for top in gw.result_pages(lambda c: gw.block_children(page_id, c)):
        await _subtrees(gw, top)
        flat = list(flatten_blocks(top))
        blocks = [block for _depth, block, _has_children in flat]
        yield await files.piece(
            [("blocks", flat)],
            blocks,
            [child_document(b) for b in blocks if b.get("type") in CHILD_DOCUMENT_TYPES],
            len(flat),
        )
    comments = (
        [item async for item in gw.paginate(lambda c: gw.comments(page_id, c))]
        if include_comments
        else []
    )
    property_items = await _truncated_properties(gw, page)
    yield await files.piece(
        [("page", page), ("comments", comments), ("property_items", property_items)],
        [page, *comments],
    )


async def read_data_source(
    gw: NotionGateway,
    data_source_id: str,
    listed: dict[str, Any] | None,
    store: FileStore,
    *,
    download_external: bool,
) -> AsyncIterator[Piece]:
    """A data source, a query's rows at a time; each row is also a page of its own to fetch."""
    files = _Files(gw, store, download_external)
    source = listed if listed is not None else await gw.retrieve_data_source(data_source_id)
    async for rows in gw.result_pages(lambda c: gw.query_data_source(data_source_id, c)):
        # The rows carry their own signed file URLs (icons, covers, files properties): the
        # data source owns copies too, so its renderers can point at them instead of at
        # links that expire in an hour and differ on every run (byte-identical exports).
        yield await files.piece(
            [("rows", rows)], rows, [Discovered(str(row["id"]), "page", row) for row in rows]
        )
    yield await files.piece([("data_source", source)], [source])


async def read_database(gw: NotionGateway, database_id: str) -> AsyncIterator[Piece]:
    """A database found as a child block: its data sources are the documents."""
    database = await gw.retrieve_database(database_id)
    yield Piece(
        discovered=[
            Discovered(str(source["id"]), "data_source")
            for source in database.get("data_sources") or []
            if isinstance(source, dict) and source.get("id")
        ]
    )


async def read_users(gw: NotionGateway) -> AsyncIterator[Piece]:
    yield Piece([("users", [user async for user in gw.paginate(gw.users)])])
