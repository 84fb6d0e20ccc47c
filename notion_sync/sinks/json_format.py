"""JSON: the document as the API served it, with downloaded files pointing at their copies.

A page file holds ``{"format_version", "kind", "id", "page", "blocks",
"comments", "property_items", "files"}`` as assembled from the API (block
children nested under ``"children"``, which Notion objects never carry), a data
source file ``{"format_version", "kind", "id", "data_source", "database",
"rows", ...}`` (``"database"``: the database object the source belongs to), and
``users.json`` ``{"format_version", "kind", "id", "users"}``; the shape of each
is :mod:`notion_sync.store.document`'s.

``"format_version"`` (:data:`FORMAT_VERSION`) comes first in every file, so a
program reading one file alone knows its shape; it grows when a key is removed,
renamed or changes meaning, not when one is added. The export's ``README.md``
says the same for people.

One deliberate change from the served objects, so two exports of an unchanged
workspace give byte-identical trees: every Notion-hosted file object (the
``{"url", "expiry_time"}`` under a ``"file"`` key: ``{"type": "file", "file":
…}`` on blocks, icons, covers and files properties, and comment attachments)
whose file was downloaded gets ``url`` = the path of the downloaded copy
relative to the JSON file, and loses ``expiry_time``. Notion signs those URLs
per response and they expire an hour later, so the served link is both
different on every run and useless soon after; the downloaded copy *is* the
file. The ``"files"`` map (URL → sha256, name, size, content type) is keyed by
that same relative path for those files. Everything else, external file URLs
included, is exactly as served. The exact served objects (signed URLs too)
stay in the internal document store (``.notion-sync/documents``), which is
what replay and reruns read.

``"local_files"`` (URL → relative path) remains only for files whose URL is
kept, i.e. external files downloaded with ``--download-external``.
:func:`load_document` reads a file back into the document minus that key and
the version.

Key order is kept as served (orjson preserves insertion order) and output is
indented, so identical input gives identical bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.layout import relative_href
from notion_sync.store.document import Document
from notion_sync.store.documents import StoredRows

__all__ = [
    "FORMAT_VERSION",
    "FORMAT_VERSION_KEY",
    "LOCAL_FILES_KEY",
    "JsonRenderer",
    "load_document",
]

LOCAL_FILES_KEY = "local_files"
FORMAT_VERSION_KEY = "format_version"
#: The version of the files' shape; 1 is the first to carry it (and the data source's database).
FORMAT_VERSION = 1


def _localise(value: Any, local: Mapping[str, str], used: set[str]) -> Any:
    """A copy of ``value`` with downloaded Notion-hosted file objects pointing at their copies."""
    if isinstance(value, list):
        return [_localise(item, local, used) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "file" and isinstance(item, dict) and item.get("url") in local:
            url = item["url"]
            used.add(url)
            out[key] = {
                k: (local[url] if k == "url" else v) for k, v in item.items() if k != "expiry_time"
            }
        else:
            out[key] = _localise(item, local, used)
    return out


class JsonRenderer:
    """The ``json`` format: pages, data sources and the users document."""

    name = "json"
    file_extension = ".json"
    kinds = frozenset({"page", "data_source", "users"})

    def render(self, doc: Document, ctx: RenderContext) -> bytes:
        return b"".join(self.render_pieces(doc, ctx))

    def render_pieces(self, doc: Document, ctx: RenderContext) -> Iterator[bytes]:
        """The file a piece at a time: a data source's :class:`StoredRows` a row at a
        time (read twice, never held), anything else in one piece."""
        local = {url: relative_href(ctx.path, path) for url, path in ctx.files.items()}
        used: set[str] = set()
        rows = doc.get("rows")
        stored = rows if isinstance(rows, StoredRows) else None
        for row in stored or ():  # which downloaded files they use, for "files" before them
            _localise(row, local, used)
        body = {
            key: _ROWS_SLOT
            if stored is not None and key == "rows"
            else _localise(value, local, used)
            for key, value in doc.items()
            if key not in ("files", LOCAL_FILES_KEY, FORMAT_VERSION_KEY)
        }
        out: dict[str, Any] = {FORMAT_VERSION_KEY: FORMAT_VERSION}
        for key in doc:  # served key order, "files" in its place
            if key == "files" and isinstance(doc["files"], dict):
                files: dict[str, Any] = {}
                for url, ref in doc["files"].items():
                    files.setdefault(local[url] if url in used else url, ref)
                out[key] = files
            elif key in body:
                out[key] = body[key]
        kept = {url: rel for url, rel in sorted(local.items()) if url not in used}
        if kept:
            out[LOCAL_FILES_KEY] = kept
        data = orjson.dumps(out, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        if stored is None:
            yield data
            return
        before, after = data.split(_ROWS_AT, 1)
        yield before + b'\n  "rows": '
        yield from _items_at_depth_one(stored, local)
        yield after


#: Where a data source's rows go in its file, filled in a row at a time (a key at the
#: top level is the only text at that indentation, so it cannot occur twice).
_ROWS_SLOT = "\x00rows\x00"
_ROWS_AT = b'\n  "rows": ' + orjson.dumps(_ROWS_SLOT)


def _items_at_depth_one(items: Iterable[Any], local: Mapping[str, str]) -> Iterator[bytes]:
    """A list that is a value of the top-level object, as ``OPT_INDENT_2`` writes it."""
    first = True
    for item in items:
        text = orjson.dumps(_localise(item, local, set()), option=orjson.OPT_INDENT_2)
        yield (b"[\n    " if first else b",\n    ") + text.replace(b"\n", b"\n    ")
        first = False
    yield b"[]" if first else b"\n  ]"


def load_document(data: bytes) -> Document:
    """Read a JSON export file back into the document (hosted files as local paths, see above)."""
    doc: Document = orjson.loads(data)
    doc.pop(LOCAL_FILES_KEY, None)
    doc.pop(FORMAT_VERSION_KEY, None)
    return doc
