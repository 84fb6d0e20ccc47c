"""The number formats of the data source a row page belongs to, read once per source.

A row's property values do not say how Notion shows its numbers (``$1,234.50``);
its data source's schema does (``number.format``), and the row page must show them
as the data source's table does. So the writer, not the renderer, looks the schema
up in the store and hands the formats to the page's render context. A data source
of 10,000 rows is read once, not once per row; what was read is kept in a private
SQLite file (:mod:`notion_sync.core.scratch_db`), so a workspace of many data sources
costs disk, not memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from notion_sync.core.scratch_db import open_scratch_db
from notion_sync.sinks.blocks import as_map
from notion_sync.sinks.names import norm_id
from notion_sync.store.document import Document
from notion_sync.store.documents import DocumentStore

__all__ = ["NumberFormats"]


def _number_formats(schema: Mapping[str, Any]) -> dict[str, str]:
    """Property id → ``number.format`` of a data source's number properties."""
    formats: dict[str, str] = {}
    for prop in schema.values():
        if not isinstance(prop, Mapping) or prop.get("type") != "number":
            continue
        fmt = as_map(prop.get("number")).get("format")
        if isinstance(prop.get("id"), str) and isinstance(fmt, str):
            formats[prop["id"]] = fmt
    return formats


class NumberFormats:
    """Number formats of the stored data sources, by the row pages that ask for them."""

    def __init__(self, store: DocumentStore, folder: Path | None = None) -> None:
        self._store = store
        self._db = open_scratch_db(folder, "number-formats", cache_kb=256)
        self._db.execute(
            "CREATE TABLE source (id TEXT PRIMARY KEY, formats BLOB NOT NULL) WITHOUT ROWID"
        )

    def __enter__(self) -> NumberFormats:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._db.close()

    def of_page(self, doc: Document) -> dict[str, str]:
        """Property id → number format for a row page ({} for a page outside any data
        source, or whose data source is not in the store)."""
        parent = as_map(as_map(doc.get("page")).get("parent"))
        source = parent.get("data_source_id")
        if parent.get("type") != "data_source_id" or not isinstance(source, str):
            return {}
        key = norm_id(source)
        found = self._db.execute("SELECT formats FROM source WHERE id = ?", (key,)).fetchone()
        if found is not None:
            cached: dict[str, str] = orjson.loads(found[0])
            return cached
        stored = self._store.open(source)
        formats = _number_formats(
            as_map(as_map((stored or {}).get("data_source")).get("properties"))
        )
        self._db.execute("INSERT INTO source VALUES (?, ?)", (key, orjson.dumps(formats)))
        return formats
