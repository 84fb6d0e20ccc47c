"""Splitting a document into ordered entity chunks and putting it back together (pure).

Lists (blocks, rows, comments, users) are split so no message grows past
``CHUNK_BYTES``; the block tree travels depth-first as ``[depth, block, has_children]``
so it is rebuilt exactly, even where a synced block repeats another's children.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from sinks.document import Document

__all__ = ["CHUNK_BYTES", "assemble", "document_chunks"]

CHUNK_BYTES = 256 * 1024
_LIST_PARTS = {
    "page": ("blocks", "comments"),
    "data_source": ("rows",),
    "users": ("users",),
}
_SINGLE_PARTS = {
    "page": ("page", "property_items", "files"),
    "data_source": ("data_source", "property_items", "files"),
    "users": (),
}


def _flatten(blocks: list[dict[str, Any]], depth: int = 0) -> Iterator[list[Any]]:
    for block in blocks:
        has_children = "children" in block
        bare = {key: value for key, value in block.items() if key != "children"}
        yield [depth, bare, has_children]
        if has_children:
            yield from _flatten(block["children"], depth + 1)


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


def document_chunks(doc: Document) -> list[tuple[str, bytes]]:
    """``(part, JSON payload)`` pairs in order; ``assemble`` inverts it."""
    kind = doc["kind"]
    chunks: list[tuple[str, bytes]] = []
    for part in _SINGLE_PARTS[kind]:
        chunks.append((part, orjson.dumps(doc.get(part))))
    for part in _LIST_PARTS[kind]:
        items = _flatten(doc.get(part) or []) if part == "blocks" else doc.get(part) or []
        batches = list(_split(items))
        for batch in batches or [[]]:
            chunks.append((part, orjson.dumps(batch)))
    return chunks


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


def assemble(document_id: str, kind: str, chunks: Iterable[tuple[str, bytes]]) -> Document:
    """The document from its chunks, given in ``seq`` order."""
    doc: Document = {"kind": kind, "id": document_id}
    flat_blocks: list[list[Any]] = []
    for part, payload in chunks:
        value = orjson.loads(payload)
        if part == "blocks":
            flat_blocks.extend(value)
        elif part in _LIST_PARTS.get(kind, ()):
            doc.setdefault(part, []).extend(value)
        else:
            doc[part] = value
    if kind == "page":
        doc["blocks"] = _rebuild(flat_blocks)
    return doc
