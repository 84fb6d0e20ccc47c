"""CSV: one file per data source, like Notion's own CSV export.

Columns follow the data source's schema in served order with the title column
first; values are formatted as Notion's CSV shows them (see
:func:`notion_sync.sinks.properties.property_text`). Encoding decision: UTF-8 *with* a
byte-order mark and CRLF line endings (RFC 4180), as Notion's export does,
because Excel only detects UTF-8 with the BOM; Python readers should open the
file with ``encoding="utf-8-sig"``. Quoting is minimal (``csv.QUOTE_MINIMAL``):
fields holding a comma, quote, CR or LF are quoted, quotes doubled.

Cells beginning with ``=``, ``+``, ``-``, ``@`` are left as they are: the file
is data, and rewriting values would break round trips; spreadsheet users are
warned in the docs instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.pages import data_source_schema, rows
from notion_sync.sinks.pieces import utf8_batches
from notion_sync.sinks.properties import property_text
from notion_sync.store.document import Document

__all__ = ["BOM", "CsvRenderer"]

BOM = "\ufeff"


class CsvRenderer:
    """The ``csv`` format: data sources only (pages have no tabular form)."""

    name = "csv"
    file_extension = ".csv"
    kinds = frozenset({"data_source"})

    def render(self, doc: Document, ctx: RenderContext) -> bytes:
        return b"".join(self.render_pieces(doc, ctx))

    def render_pieces(self, doc: Document, ctx: RenderContext) -> Iterator[bytes]:
        return utf8_batches(_lines(doc, ctx))


def _lines(doc: Document, ctx: RenderContext) -> Iterator[str]:
    schema = data_source_schema(doc)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    writer.writerow([name for name, _ in schema])
    yield BOM + _taken(buffer)
    for _row, values in rows(doc):
        writer.writerow([property_text(values.get(name), ctx, config) for name, config in schema])
        yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    """What the CSV writer wrote since last time, the buffer emptied."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text
