"""The Markdown tree's ``index.md``: every document as nested links, as the HTML index.

The same :meth:`~notion_sync.sinks.layout.Layout.tree` walk as the HTML index, so
both list the same documents in the same (natural) order, and a data source's rows
are folded the same way: into a ``<details>`` naming their count, with the rows a
Markdown list inside it (blank lines around it, so GitHub reads the list; where
HTML is dropped, as by Hugo's default, the rows simply show). Made a line at a time,
so an index of any size is never held.
"""

from __future__ import annotations

from collections.abc import Iterator

from notion_sync.core.config import MarkdownSettings
from notion_sync.sinks.frontmatter import front_matter
from notion_sync.sinks.layout import Layout, TreeItem
from notion_sync.sinks.md_escape import escape_md, md_link_target
from notion_sync.sinks.urls import quote_href

__all__ = ["INDEX_MD", "render_index_md"]

INDEX_MD = "index.md"


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count:,} rows"


def _item(item: TreeItem) -> str:
    title = escape_md(item.title or "Untitled", line_start=False)
    href = md_link_target(quote_href(str(item.path(".md"))))
    return f"{'  ' * item.depth}- [{title}]({href})\n"


def render_index_md(
    layout: Layout, workspace_name: str, settings: MarkdownSettings
) -> Iterator[bytes]:
    """The index, in pieces; its title is the workspace's name, as a page's is its own."""
    head = front_matter({"title": workspace_name})
    if settings.title_heading:
        head += f"\n# {escape_md(workspace_name, line_start=False)}\n"
    yield head.encode()
    folded: list[int] = []  # depths of the data sources whose rows are listed now
    empty = True
    for item in layout.tree():
        while folded and item.depth <= folded[-1]:
            yield f"\n{'  ' * (folded.pop() + 1)}</details>\n\n".encode()
        yield (("\n" if empty else "") + _item(item)).encode()
        empty = False
        if item.kind == "data_source" and item.children:
            pad = "  " * (item.depth + 1)
            yield f"\n{pad}<details>\n{pad}<summary>{_rows(item.children)}</summary>\n\n".encode()
            folded.append(item.depth)
    while folded:
        yield f"\n{'  ' * (folded.pop() + 1)}</details>\n".encode()
    if empty:
        yield b"\nNothing was exported.\n"
