"""Standalone HTML5: one ``.html`` per page and per data source, plus ``index.html``.

Every file links the one shared stylesheet (:data:`STYLESHEET`, relative path)
and has a breadcrumb back to the index; nothing loads from the network except
images and media that were external in Notion. Escaping is total: every string
from Notion goes through :func:`notion_sync.sinks.html_inline.text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import partial
from html import unescape
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

from notion_sync.sinks.blocks import headings
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.dates import format_datetime
from notion_sync.sinks.html_blocks import HtmlBlocks
from notion_sync.sinks.html_inline import attr, render_spans_html, text
from notion_sync.sinks.html_math import equation_html
from notion_sync.sinks.layout import Layout, TreeItem
from notion_sync.sinks.names import norm_id
from notion_sync.sinks.pages import (
    data_source_schema,
    icon,
    page_properties,
    page_title_rich_text,
    rows,
    source_description,
    source_title_rich_text,
    url_of,
)
from notion_sync.sinks.pieces import utf8_batches
from notion_sync.sinks.properties import property_text
from notion_sync.sinks.property_html import property_html
from notion_sync.sinks.richtext import plain_text, spans
from notion_sync.sinks.urls import quote_href
from notion_sync.store.document import Document

__all__ = ["INDEX", "STYLESHEET", "HtmlRenderer", "render_index", "stylesheet"]

STYLESHEET = PurePosixPath("style.css")
INDEX = PurePosixPath("index.html")


def stylesheet() -> bytes:
    """The shared stylesheet shipped with the package (``notion_sync/sinks/notion.css``)."""
    return resources.files("notion_sync.sinks").joinpath("notion.css").read_bytes()


class HtmlRenderer:
    """The ``html`` format (see module docstring)."""

    name = "html"
    file_extension = ".html"
    kinds = frozenset({"page", "data_source"})

    def render(self, doc: Document, ctx: RenderContext) -> bytes:
        return b"".join(self.render_pieces(doc, ctx))

    def render_pieces(self, doc: Document, ctx: RenderContext) -> Iterator[bytes]:
        if doc.get("kind") == "data_source":
            return utf8_batches(_data_source(doc, ctx))
        return iter((_page(doc, ctx).encode("utf-8"),))


def _shell(ctx: RenderContext, title: str, body: str) -> str:
    return _shell_open(ctx, title) + body + _SHELL_CLOSE


_SHELL_CLOSE = "\n</body>\n</html>\n"


def _shell_open(ctx: RenderContext, title: str) -> str:
    crumbs = [f'<a href="{attr(ctx.href_to(INDEX))}">Index</a>']
    for ancestor in ctx.layout.ancestors(ctx.doc_id):
        href = ctx.doc_href(ancestor) or ""
        crumb = text(ctx.layout.title(ancestor) or "Untitled")
        crumbs.append(f'<a href="{attr(href)}">{crumb}</a>')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(title or 'Untitled')}</title>\n"
        f'<link rel="stylesheet" href="{attr(ctx.href_to(STYLESHEET))}">\n</head>\n<body>\n'
        f'<nav class="breadcrumb" aria-label="Breadcrumb">{" / ".join(crumbs)}</nav>\n'
    )


def _header(obj: Mapping[str, Any], title_rt: list[Any], ctx: RenderContext) -> str:
    parts = []
    cover = ctx.file_object_href(obj.get("cover")) if obj.get("cover") else None
    if cover:
        parts.append(f'<img class="page-cover" src="{attr(cover)}" alt="">')
    mark = icon(obj, ctx)
    if mark and mark[0] == "emoji":
        parts.append(f'<div class="page-icon" aria-hidden="true">{text(mark[1])}</div>')
    elif mark:
        parts.append(f'<img class="page-icon" src="{attr(mark[1])}" alt="">')
    title = _rich(title_rt, ctx) or "Untitled"
    parts.append(f'<h1 class="page-title">{title}</h1>')
    return "\n".join(parts)


def _rich(rich_text: object, ctx: RenderContext) -> str:
    """Rich text as inline HTML, its equations as MathML."""
    items = rich_text if isinstance(rich_text, list) else []
    return render_spans_html(spans(items, ctx), partial(equation_html, ctx=ctx))


_TAG = re.compile(r"<[^>]*>")
#: Text this short fits the narrowest column (142 px inside its padding) even in
#: full-width characters, so it is never cut and needs no tooltip.
_NEVER_CUT = 8


def _cell(tag: str, inner: str, extra: str = "") -> str:
    """A table cell the stylesheet keeps to one line, with its full text as a tooltip."""
    shown = unescape(_TAG.sub("", inner))
    tip = f' title="{attr(shown)}"' if len(shown.strip()) > _NEVER_CUT else ""
    return f"<{tag}{extra}{tip}>{inner}</{tag}>"


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _times(obj: Mapping[str, Any]) -> str:
    items = []
    for key, label in (("created_time", "Created"), ("last_edited_time", "Last edited")):
        value = obj.get(key)
        if isinstance(value, str) and value:
            shown = text(format_datetime(value))
            items.append(f'{label} <time datetime="{attr(value)}">{shown}</time>')
    url = url_of(obj)
    link = f'<a href="{attr(url)}">Open in Notion</a>' if url.startswith("https://") else ""
    return '<p class="page-meta">' + " · ".join([*items, link] if link else items) + "</p>"


def _page(doc: Document, ctx: RenderContext) -> str:
    page: Mapping[str, Any] = doc.get("page") or {}
    title_rt = page_title_rich_text(page)
    props = [
        (n, p)
        for n, p in page_properties(page, doc.get("property_items"))
        if p.get("type") != "title"
    ]
    rows_html = "\n".join(
        f'<tr><th scope="row">{text(name)}</th><td>{property_html(prop, ctx)}</td></tr>'
        for name, prop in props
    )
    table = f'<table class="properties">\n<tbody>\n{rows_html}\n</tbody>\n</table>' if props else ""
    blocks = [b for b in doc.get("blocks") or [] if isinstance(b, Mapping)]
    body = HtmlBlocks(ctx, list(headings(blocks))).blocks(blocks)
    article = (
        f'<article class="page" id="{attr("p-" + norm_id(str(doc.get("id") or "")))}">\n'
        f"<header>\n{_join(_header(page, title_rt, ctx), _times(page), table)}\n</header>\n"
        f'<div class="page-body">\n{body}\n</div>\n{_comments(doc, ctx)}</article>'
    )
    return _shell(ctx, plain_text(title_rt), article)


def _comments(doc: Document, ctx: RenderContext) -> str:
    items = []
    for comment in doc.get("comments") or []:
        if not isinstance(comment, Mapping):
            continue
        who = text(ctx.user_name(comment.get("created_by")) or "Someone")
        when = comment.get("created_time")
        stamp = (
            f' <time datetime="{attr(when)}">{text(format_datetime(when))}</time>'
            if isinstance(when, str)
            else ""
        )
        items.append(
            f'<li><span class="comment-author">{who}</span>{stamp}<p>'
            f"{_rich(comment.get('rich_text'), ctx)}</p></li>"
        )
    if not items:
        return ""
    return (
        '<section class="comments">\n<h2>Comments</h2>\n<ul>\n'
        + "\n".join(items)
        + "\n</ul>\n</section>\n"
    )


def _data_source(doc: Document, ctx: RenderContext) -> Iterator[str]:
    """The page a row at a time (its rows may be read from disk as they are rendered)."""
    source: Mapping[str, Any] = doc.get("data_source") or {}
    title_rt = source_title_rich_text(doc)
    schema = data_source_schema(doc)
    head = "".join(_cell("th", text(name), ' scope="col"') for name, _ in schema)
    description = _rich(source_description(source), ctx)
    yield _shell_open(ctx, plain_text(title_rt))
    yield (
        f'<article class="page data-source">\n<header>\n{_header(source, title_rt, ctx)}\n'
        f"{_times(source)}\n</header>\n"
        + (f'<p class="description">{description}</p>\n' if description else "")
        + '<div class="table-wrap">\n'
        + f'<table class="collection">\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
    )
    for n, (row, values) in enumerate(rows(doc)):
        cells = []
        for i, (name, config) in enumerate(schema):
            if i == 0:
                label = text(property_text(values.get(name), ctx, config) or "Untitled")
                href = ctx.doc_href(str(row.get("id") or "")) or url_of(row)
                cells.append(_cell("th", f'<a href="{attr(href)}">{label}</a>', ' scope="row"'))
            else:
                cells.append(_cell("td", property_html(values.get(name), ctx, config)))
        yield ("\n" if n else "") + "<tr>" + "".join(cells) + "</tr>"
    yield "\n</tbody>\n</table>\n</div>\n</article>" + _SHELL_CLOSE


def render_index(layout: Layout, workspace_name: str) -> Iterator[bytes]:
    """``index.html``: the whole tree as nested lists, linking every page and data source.

    Made a list item at a time, in :meth:`~notion_sync.sinks.layout.Layout.tree` order, so
    an index of any size is written without being held. A data source's rows are folded
    into a ``<details>`` naming their count: a database of thousands of rows would
    otherwise bury every page after it.
    """
    name = text(workspace_name)
    yield (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{name}</title>\n<link rel="stylesheet" href="{STYLESHEET}">\n</head>\n<body>\n'
        f'<main class="index">\n<h1>{name}</h1>\n<nav class="tree">\n'
    ).encode()
    closers: list[str] = []  # what ends each list still open, innermost last
    for item in layout.tree():
        if not closers:  # the first item: the top-level list stays open to the end
            yield b"<ul>\n"
            closers.append("</ul>\n")
        while len(closers) > item.depth + 1:
            yield closers.pop().encode()
        opening, closer = _index_item(item)
        yield opening.encode()
        if closer:
            closers.append(closer)
    if not closers:
        yield b"<p>Nothing was exported.</p>\n"
    while closers:
        yield closers.pop().encode()
    yield b"</nav>\n</main>\n</body>\n</html>\n"


def _index_item(item: TreeItem) -> tuple[str, str | None]:
    """One entry of the index, and what closes the list it opens (None: it has none)."""
    href = attr(quote_href(item.stem + ".html"))
    cls = "data-source" if item.kind == "data_source" else "page"
    line = f'<li class="{cls}"><a href="{href}">{text(item.title or "Untitled")}</a>'
    if not item.children:
        return line + "</li>\n", None
    if item.kind == "data_source":
        rows = "1 row" if item.children == 1 else f"{item.children:,} rows"
        opening = f'{line}\n<details class="rows"><summary>{rows}</summary>\n<ul>\n'
        return opening, "</ul>\n</details>\n</li>\n"
    return line + "\n<ul>\n", "</ul>\n</li>\n"
