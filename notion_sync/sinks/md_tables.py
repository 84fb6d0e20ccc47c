"""Notion's simple tables (``table`` blocks) in Markdown.

A table whose first row is a header is a GFM pipe table. GFM has no table
without a header row, and an empty header row shows on GitHub as a blank grey
band; so a table without one is an HTML ``<table>``, which GitHub and Obsidian
render as Notion shows it (Hugo only with ``markup.goldmark.renderer.unsafe``, as
for every piece of HTML in our Markdown). Its cells are inline HTML: Markdown is
not read inside an HTML block.
"""

from __future__ import annotations

from dataclasses import replace

from notion_sync.sinks.md_inline import inline_html, render_spans_md
from notion_sync.sinks.richtext import Span

__all__ = ["html_table", "pipe_table"]

Row = list[list[Span]]


def _padded(row: Row, width: int) -> Row:
    return row + [[] for _ in range(width - len(row))]


def pipe_table(head: Row, rows: list[Row], width: int, *, row_header: bool) -> str:
    """A GFM table: ``head`` is the header row; a row header's cells are bold."""

    def line(cells: Row, bold: bool) -> str:
        texts = []
        for n, cell in enumerate(_padded(cells, width)):
            spans = [replace(s, bold=True) for s in cell] if bold and n == 0 else cell
            md = render_spans_md(spans, newline="<br>", line_start=False, table_cell=True)
            texts.append(md or " ")
        return "| " + " | ".join(texts) + " |"

    lines = [line(head, False), "|" + " --- |" * width]
    return "\n".join(lines + [line(r, row_header) for r in rows])


def html_table(rows: list[Row], width: int, *, row_header: bool) -> str:
    """An HTML table with no header row, one line per row (an HTML block has no blank line)."""
    lines = ["<table>"]
    for row in rows:
        cells = []
        for n, cell in enumerate(_padded(row, width)):
            tag = "th" if row_header and n == 0 else "td"
            cells.append(f"<{tag}>{inline_html(cell)}</{tag}>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)
