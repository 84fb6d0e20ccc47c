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

One column is ours, the last: :data:`PAGE_COLUMN`, the path from the CSV file to
the row's page in the export's ``markdown/`` tree (a plain POSIX path, not a URL),
which Notion's CSV lacks, so a row can be joined to its page's content. Markdown,
because Notion's own export pairs its CSVs with Markdown pages and the ``json/``
and ``html/`` trees have the same layout (change the folder and the extension).
The cell is empty where the path would lead nowhere: the row's page is not in the
export, or the export writes no Markdown. Its name carries ours so no Notion
property takes it; should one be called so anyway, ours becomes ``… (2)``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any

from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.layout import relative_href
from notion_sync.sinks.markdown import MarkdownRenderer
from notion_sync.sinks.pages import data_source_schema, rows
from notion_sync.sinks.pieces import utf8_batches
from notion_sync.sinks.properties import property_text
from notion_sync.store.document import Document

__all__ = ["BOM", "PAGE_COLUMN", "CsvRenderer", "page_column"]

BOM = "\ufeff"
PAGE_COLUMN = "Markdown page (notion-sync)"


class CsvRenderer:
    """The ``csv`` format: data sources only (pages have no tabular form)."""

    name = "csv"
    file_extension = ".csv"
    kinds = frozenset({"data_source"})

    def render(self, doc: Document, ctx: RenderContext) -> bytes:
        return b"".join(self.render_pieces(doc, ctx))

    def render_pieces(self, doc: Document, ctx: RenderContext) -> Iterator[bytes]:
        return utf8_batches(_lines(doc, ctx))


def page_column(names: Collection[str]) -> str:
    """Our column's name: :data:`PAGE_COLUMN`, numbered if a property is called so."""
    name, n = PAGE_COLUMN, 1
    while name in names:
        n += 1
        name = f"{PAGE_COLUMN} ({n})"
    return name


def _page_path(row: Mapping[str, Any], ctx: RenderContext) -> str:
    """The path from this CSV file to the row's Markdown page ("" if there is none)."""
    markdown = MarkdownRenderer.name
    row_id = str(row.get("id") or "")
    if markdown not in ctx.formats or row_id not in ctx.layout:
        return ""
    here = PurePosixPath(CsvRenderer.name) / ctx.path
    page = PurePosixPath(markdown) / ctx.layout.path(row_id, MarkdownRenderer.file_extension)
    return relative_href(here, page)


def _lines(doc: Document, ctx: RenderContext) -> Iterator[str]:
    schema = data_source_schema(doc)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    names = [name for name, _ in schema]
    writer.writerow([*names, page_column(names)])
    yield BOM + _taken(buffer)
    for row, values in rows(doc):
        cells = [property_text(values.get(name), ctx, config) for name, config in schema]
        writer.writerow([*cells, _page_path(row, ctx)])
        yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    """What the CSV writer wrote since last time, the buffer emptied."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text
