"""Standalone HTML5: one ``.html`` per page and per data source, plus ``index.html``.

Every file links the one shared stylesheet (:data:`STYLESHEET`, relative path)
and has a breadcrumb back to the index; nothing loads from the network except
images and media that were external in Notion. Escaping is total: every string
from Notion goes through :func:`notion_sync.sinks.html_inline.text`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

from notion_sync.sinks.blocks import headings
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.dates import format_datetime
from notion_sync.sinks.html_blocks import HtmlBlocks
from notion_sync.sinks.html_inline import attr, render_spans_html, text
from notion_sync.sinks.layout import Layout
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
    title = render_spans_html(spans(title_rt, ctx)) or "Untitled"
    parts.append(f'<h1 class="page-title">{title}</h1>')
    return "\n".join(parts)


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
            f"{render_spans_html(spans(comment.get('rich_text'), ctx))}</p></li>"
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
    head = "".join(f'<th scope="col">{text(name)}</th>' for name, _ in schema)
    description = render_spans_html(spans(source_description(source), ctx))
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
                cells.append(f'<th scope="row"><a href="{attr(href)}">{label}</a></th>')
            else:
                cells.append(f"<td>{property_html(values.get(name), ctx, config)}</td>")
        yield ("\n" if n else "") + "<tr>" + "".join(cells) + "</tr>"
    yield "\n</tbody>\n</table>\n</div>\n</article>" + _SHELL_CLOSE


def render_index(layout: Layout, workspace_name: str) -> Iterator[bytes]:
    """``index.html``: the whole tree as nested lists, linking every page and data source.

    Made a list item at a time, in :meth:`~sinks.layout.Layout.walk` order, so an
    index of any size is written without being held.
    """
    name = text(workspace_name)
    yield (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{name}</title>\n<link rel="stylesheet" href="{STYLESHEET}">\n</head>\n<body>\n'
        f'<main class="index">\n<h1>{name}</h1>\n<nav class="tree">'
    ).encode()
    depth = -1  # of the item last opened
    for level, doc_id in layout.walk():
        if level > depth:  # the first item of a list
            opening = "\n<ul>\n"
        else:  # close the last item and the lists it ended, then a sibling follows
            opening = "</li>" + "\n</ul>\n</li>" * (depth - level) + "\n"
        depth = level
        href = attr(quote_href(str(layout.path(doc_id, ".html"))))
        cls = "data-source" if layout.kind(doc_id) == "data_source" else "page"
        title = text(layout.title(doc_id) or "Untitled")
        yield f'{opening}<li class="{cls}"><a href="{href}">{title}</a>'.encode()
    if depth < 0:
        yield b"<p>Nothing was exported.</p>"
    else:
        yield ("</li>" + "\n</ul>\n</li>" * depth + "\n</ul>\n").encode()
    yield b"</nav>\n</main>\n</body>\n</html>\n"
