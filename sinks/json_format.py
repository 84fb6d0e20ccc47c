"""JSON: the document itself, losslessly.

A page file holds ``{"kind", "id", "page", "blocks", "comments",
"property_items", "files"}`` exactly as assembled from the API (block children
nested under ``"children"``, which Notion objects never carry), and a data
source file ``{"kind", "id", "data_source", "rows", ...}``. One key is added,
``"local_files"``: served URL → path of the downloaded copy relative to the JSON
file, so the JSON tree is self-contained for replay. :func:`load_document`
reads a file back into exactly the stored document.

Key order is kept as served (orjson preserves insertion order) and output is
indented, so identical input gives identical bytes.
"""

from __future__ import annotations

from typing import Any

import orjson

from sinks.context import RenderContext
from sinks.document import Document
from sinks.layout import relative_href

__all__ = ["LOCAL_FILES_KEY", "JsonRenderer", "load_document"]

LOCAL_FILES_KEY = "local_files"


class JsonRenderer:
    """The ``json`` format: pages, data sources and the users document."""

    name = "json"
    file_extension = ".json"
    kinds = frozenset({"page", "data_source", "users"})

    def render(self, doc: Document, ctx: RenderContext) -> bytes:
        out: dict[str, Any] = dict(doc)
        out.pop(LOCAL_FILES_KEY, None)
        if ctx.files:
            out[LOCAL_FILES_KEY] = {url: relative_href(ctx.path, path)
                                    for url, path in sorted(ctx.files.items())}
        return orjson.dumps(out, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def load_document(data: bytes) -> Document:
    """Read a JSON export file back into the document as the fetcher stored it."""
    doc: Document = orjson.loads(data)
    doc.pop(LOCAL_FILES_KEY, None)
    return doc
