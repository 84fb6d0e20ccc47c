"""What one fetch task reads from Notion: its document, piece by piece, and what it found.

A page is its object (as listed, else retrieved), its block tree (children lists of
100, recursing only where ``has_children`` and never into child pages or
databases, which are documents of their own), its page-level comments, the full
lists of properties Notion truncated at 25 references, and its files. A data
source is its object, its database's object and its rows.

A document comes as :class:`Piece` s that the fetcher sends on before the next is
read, so a task holds one piece, not a document: the top-level blocks of one
children list (≤100) with their subtrees, or the rows of one query (≤100). Each
piece carries the files its objects use, downloaded before their links expire,
and the documents it discovered.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from notion_sync.core.errors import NotFound
from notion_sync.core.records import DocumentKind
from notion_sync.notion.client import NotionGateway
from notion_sync.store.files import FileStore
from notion_sync.streams.downloads import FileLink, download_files, find_files
from notion_sync.streams.scheduling import Discovered

__all__ = [
    "Piece",
    "read_data_source",
    "read_database",
    "read_page",
    "read_users",
]

#: Notion shows at most this many references per property in a page object.
PROPERTY_REFERENCE_LIMIT = 25
CHILD_DOCUMENT_TYPES = ("child_page", "child_database")


@dataclass
class Piece:
    """Part of a document as ``(part, value)`` pairs (see :mod:`notion_sync.store.chunks`), with the
    documents it led to; a piece with no parts only discovers."""

    parts: list[tuple[str, Any]] = field(default_factory=list)
    discovered: list[Discovered] = field(default_factory=list)
    blocks: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def child_document(block: dict[str, Any]) -> Discovered:
    """The page or database a ``child_page`` / ``child_database`` block stands for."""
    kind = DocumentKind.PAGE if block["type"] == "child_page" else DocumentKind.DATABASE
    return Discovered(str(block["id"]), kind)


@dataclass(slots=True)
class _Kept:
    """A served block or row kept as its JSON, with what the fetch needs to know of it.

    Decoded, a block is some fifty small objects; kept as bytes it is one, so a
    task holding a piece (and the worker, ``task_concurrency`` of them) stays small.
    """

    raw: orjson.Fragment
    id: str
    links: list[FileLink]
    #: Whose children are read too: has_children, and not a document of its own.
    nested: bool = False
    child: Discovered | None = None
    children: list[_Kept] | None = None


def _keep(obj: dict[str, Any]) -> _Kept:
    kind = obj.get("type")
    document = kind in CHILD_DOCUMENT_TYPES
    return _Kept(
        raw=orjson.Fragment(orjson.dumps(obj)),
        id=str(obj["id"]),
        links=list(find_files(obj)),
        nested=bool(obj.get("has_children")) and not document,
        child=child_document(obj) if document else None,
    )


async def _subtrees(gw: NotionGateway, blocks: list[_Kept]) -> None:
    """Give every block with children its subtree, read concurrently."""
    nested = [block for block in blocks if block.nested]
    subtrees = await asyncio.gather(*(_block_tree(gw, block.id) for block in nested))
    for block, subtree in zip(nested, subtrees, strict=True):
        block.children = subtree


async def _block_tree(gw: NotionGateway, block_id: str) -> list[_Kept]:
    children = [
        block
        async for page in gw.result_pages(lambda c: gw.block_children(block_id, c), _keep)
        for block in page
    ]
    await _subtrees(gw, children)
    return children


def _depth_first(blocks: list[_Kept], depth: int = 0) -> Iterator[tuple[int, _Kept]]:
    for block in blocks:
        yield depth, block
        if block.children is not None:
            yield from _depth_first(block.children, depth + 1)


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
            else await gw.retrieve_database(link.owner_id)
            if link.owner_kind == "database"
            else await gw.retrieve_data_source(link.owner_id)
        )
        for candidate in find_files(fresh):
            if candidate.name == link.name:
                return candidate.url
        return None

    async def piece(
        self,
        parts: list[tuple[str, Any]],
        links: Iterable[FileLink],
        discovered: list[Discovered] | None = None,
        blocks: int = 0,
    ) -> Piece:
        """A piece of ``parts``, with the files ``links`` point at downloaded and added."""
        refs, problems = await download_files(
            list(links),
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
    async for top in gw.result_pages(lambda c: gw.block_children(page_id, c), _keep):
        await _subtrees(gw, top)
        flat = list(_depth_first(top))
        yield await files.piece(
            [("blocks", [[depth, b.raw, b.children is not None] for depth, b in flat])],
            (link for _depth, b in flat for link in b.links),
            [b.child for _depth, b in flat if b.child is not None],
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
        (link for obj in (page, *comments) for link in find_files(obj)),
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
    query = gw.result_pages(lambda c: gw.query_data_source(data_source_id, c), _keep)
    async for rows in query:
        # The rows carry their own signed file URLs (icons, covers, files properties): the
        # data source owns copies too, so its renderers can point at them instead of at
        # links that expire in an hour and differ on every run (byte-identical exports).
        yield await files.piece(
            [("rows", [row.raw for row in rows])],
            (link for row in rows for link in row.links),
            [Discovered(row.id, DocumentKind.PAGE, row.raw) for row in rows],
        )
    parts: list[tuple[str, Any]] = [("data_source", source)]
    parent = source.get("parent")
    database_id = parent.get("database_id") if isinstance(parent, dict) else None
    database, problem = await _source_database(gw, str(database_id)) if database_id else ({}, "")
    if database:
        parts.append(("database", database))
    piece = await files.piece(
        parts, (link for obj in (source, database) for link in find_files(obj))
    )
    if problem:
        piece.problems.append(problem)
    yield piece


async def _source_database(gw: NotionGateway, database_id: str) -> tuple[dict[str, Any], str]:
    """The database a data source belongs to: its title, description, icon and list of
    data sources are nowhere else, and it names a source Notion serves untitled (see
    :func:`~notion_sync.store.document.data_source_title`). One the integration may not
    read leaves the data source without it, said as a problem, rather than unexported."""
    try:
        return await gw.retrieve_database(database_id), ""
    except NotFound as exc:
        return {}, f"database {database_id} of the data source could not be read: {exc}"


async def read_database(
    gw: NotionGateway, database_id: str, listed: dict[str, Any] | None = None
) -> AsyncIterator[Piece]:
    """A database (found as a child block, or named as a root): its data sources are the
    documents."""
    database = listed if listed is not None else await gw.retrieve_database(database_id)
    yield Piece(
        discovered=[
            Discovered(str(source["id"]), DocumentKind.DATA_SOURCE)
            for source in database.get("data_sources") or []
            if isinstance(source, dict) and source.get("id")
        ]
    )


async def read_users(gw: NotionGateway) -> AsyncIterator[Piece]:
    yield Piece([("users", [user async for user in gw.paginate(gw.users)])])
