"""A document as ordered parts, and parts as entity chunks (pure).

Documents travel, and are stored, as a sequence of ``(part, value)`` pairs, so
neither the fetcher nor the sink ever needs a whole document in memory: the
fetcher sends a page's blocks a batch at a time as it reads them, the sink
writes each chunk to the store as it reads it back from its spool, and only a
reader that wants the document (the renderers) puts it together.

Lists (blocks, rows, comments, users) may come in any number of parts, each
split so no message grows past ``CHUNK_BYTES``; the block tree travels
depth-first as ``[depth, block, has_children]`` so it is rebuilt exactly, even
where a synced block repeats another's children. Maps (files, property items)
may come in several parts too and are merged; objects (the page, the data
source) come once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from notion_sync.store.document import Document

__all__ = [
    "CHUNK_BYTES",
    "assemble",
    "document_chunks",
    "document_parts",
    "encode_part",
    "flatten_blocks",
]

CHUNK_BYTES = 256 * 1024
_LIST_PARTS = {
    "page": ("blocks", "comments"),
    "data_source": ("rows",),
    "users": ("users",),
}
_MAP_PARTS = {
    "page": ("property_items", "files"),
    "data_source": ("property_items", "files"),
    "users": (),
}
_MAP_NAMES = frozenset(name for names in _MAP_PARTS.values() for name in names)
_OBJECT_PARTS = {
    "page": ("page",),
    "data_source": ("data_source", "database"),
    "users": (),
}


def flatten_blocks(blocks: list[dict[str, Any]], depth: int = 0) -> Iterator[list[Any]]:
    """A block tree depth-first as ``[depth, block without children, has_children]``."""
    for block in blocks:
        has_children = "children" in block
        bare = {key: value for key, value in block.items() if key != "children"}
        yield [depth, bare, has_children]
        if has_children:
            yield from flatten_blocks(block["children"] or [], depth + 1)


def _split(items: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    size = 0
    for item in items:
        encoded = len(orjson.dumps(item))
        if batch and size + encoded > CHUNK_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += encoded
    if batch:
        yield batch


def encode_part(part: str, value: Any) -> Iterator[bytes]:
    """The JSON payloads of one part: a list is split below ``CHUNK_BYTES`` (blocks must
    already be flat), anything else is one payload. An empty list or map is no payload:
    :func:`assemble` gives every document its lists and maps, empty if none came."""
    if isinstance(value, list):
        for batch in _split(value):
            yield orjson.dumps(batch)
    elif value or part not in _MAP_NAMES:
        yield orjson.dumps(value)


def document_parts(doc: Document) -> Iterator[tuple[str, Any]]:
    """A whole document as parts (blocks flattened); ``assemble`` inverts it."""
    kind = doc["kind"]
    for part in (*_OBJECT_PARTS[kind], *_MAP_PARTS[kind]):
        if part in doc:
            yield part, doc[part]
    for part in _LIST_PARTS[kind]:
        items = doc.get(part) or []
        yield part, list(flatten_blocks(items)) if part == "blocks" else items


def document_chunks(doc: Document) -> Iterator[tuple[str, bytes]]:
    """A whole document as ``(part, JSON payload)`` chunks, in order."""
    for part, value in document_parts(doc):
        for payload in encode_part(part, value):
            yield part, payload


def _rebuild(flat: list[list[Any]]) -> list[dict[str, Any]]:
    roots: list[dict[str, Any]] = []
    stack: list[list[dict[str, Any]]] = [roots]
    for depth, block, has_children in flat:
        del stack[depth + 1 :]
        stack[depth].append(block)
        if has_children:
            block["children"] = []
            stack.append(block["children"])
    return roots


def assemble(document_id: str, kind: str, parts: Iterable[tuple[str, Any]]) -> Document:
    """The document from its decoded parts, given in order.

    Every list and map part of the kind is present afterwards, empty if no chunk
    carried it, so a sender need not send empty parts.
    """
    doc: Document = {"kind": kind, "id": document_id}
    lists = _LIST_PARTS.get(kind, ())
    maps = _MAP_PARTS.get(kind, ())
    flat_blocks: list[list[Any]] = []
    for part, value in parts:
        if part == "blocks":
            flat_blocks.extend(value)
        elif part in lists:
            doc.setdefault(part, []).extend(value)
        elif part in maps:
            doc.setdefault(part, {}).update(value)
        else:
            doc[part] = value
    for part in lists:
        doc.setdefault(part, [])
    for part in maps:
        doc.setdefault(part, {})
    if kind == "page":
        doc["blocks"] = _rebuild(flat_blocks)
    return doc
