"""GitHub-flavoured Markdown: one ``.md`` per page and per data source, and ``index.md``.

A page starts with YAML front matter (title, ``date`` and ``lastmod`` for site
generators, ids, times, people by name, properties: see
:mod:`notion_sync.sinks.frontmatter`), then its blocks; a data source is a table
of its rows linking to the row pages. The title is a ``# Title`` line only when
:class:`~notion_sync.core.config.MarkdownSettings` asks for it: Hugo and Jekyll
themes print the front matter's title, so a heading would show it twice.
``index.md`` lists the tree as the HTML index does (docs/architecture.md, The Markdown pages).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from notion_sync.core.config import MarkdownSettings
from notion_sync.sinks.blocks import headings
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.frontmatter import front_matter, with_properties
from notion_sync.sinks.md_blocks import MarkdownBlocks
from notion_sync.sinks.md_inline import escape_md, md_link_target, render_spans_md
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
from notion_sync.sinks.properties import property_data, property_text
from notion_sync.sinks.richtext import Span, plain_text, spans
from notion_sync.store.document import Document

__all__ = ["MarkdownRenderer"]


class MarkdownRenderer:
    """The ``markdown`` format (see module docstring)."""

    name = "markdown"
    file_extension = ".md"
    kinds = frozenset({"page", "data_source"})

    def __init__(self, settings: MarkdownSettings | None = None) -> None:
        self.settings = settings or MarkdownSettings()

    def render(self, doc: Document, ctx: RenderContext) -> bytes:
        return b"".join(self.render_pieces(doc, ctx))

    def render_pieces(self, doc: Document, ctx: RenderContext) -> Iterator[bytes]:
        if doc.get("kind") == "data_source":
            return utf8_batches(_data_source(doc, ctx, self.settings))
        return iter((_page(doc, ctx, self.settings).encode("utf-8"),))


def _title_line(obj: Mapping[str, Any], title_rt: list[Any], ctx: RenderContext) -> str:
    shown = render_spans_md(spans(title_rt, ctx), newline=" ", line_start=False) or "Untitled"
    mark = icon(obj, ctx)
    if mark and mark[0] == "emoji":
        shown = f"{escape_md(mark[1], line_start=False)} {shown}"
    elif mark:
        shown = f"![]({md_link_target(mark[1])}) {shown}"
    return f"# {shown}"


def _fields(
    obj: Mapping[str, Any], doc: Document, title_rt: list[Any], ctx: RenderContext
) -> dict[str, Any]:
    """The front matter's own keys (:data:`~notion_sync.sinks.frontmatter.FIXED_KEYS`)."""
    created, edited = obj.get("created_time"), obj.get("last_edited_time")
    fields: dict[str, Any] = {
        "title": plain_text(title_rt) or "Untitled",
        "date": created,
        "lastmod": edited,
        "id": obj.get("id") or doc.get("id"),
        "url": url_of(obj),
        "created_time": created,
        "last_edited_time": edited,
    }
    for key in ("created_by", "last_edited_by"):
        if isinstance(obj.get(key), Mapping):
            fields[key] = ctx.user_name(obj[key])
    mark = icon(obj, ctx)
    if mark:
        fields["icon"] = mark[1]
    if obj.get("in_trash") or obj.get("archived"):
        fields["in_trash"] = True
    return fields


def _head(
    obj: Mapping[str, Any],
    fields: dict[str, Any],
    title_rt: list[Any],
    ctx: RenderContext,
    settings: MarkdownSettings,
) -> list[str]:
    """Front matter, and the ``# Title`` line if the settings ask for it."""
    parts = [front_matter(fields)]
    if settings.title_heading:
        parts.append(_title_line(obj, title_rt, ctx))
    return parts


def _page(doc: Document, ctx: RenderContext, settings: MarkdownSettings) -> str:
    page: Mapping[str, Any] = doc.get("page") or {}
    title_rt = page_title_rich_text(page)
    fields = _fields(page, doc, title_rt, ctx)
    props = [
        (name, property_data(prop, ctx))
        for name, prop in page_properties(page, doc.get("property_items"))
        if prop.get("type") != "title"
    ]
    fields = with_properties(fields, props, flat=settings.front_matter == "flat")
    parts = _head(page, fields, title_rt, ctx, settings)
    cover = ctx.file_object_href(page.get("cover")) if page.get("cover") else None
    if cover:
        parts.append(f"![Cover]({md_link_target(cover)})")
    blocks = [b for b in doc.get("blocks") or [] if isinstance(b, Mapping)]
    writer = MarkdownBlocks(ctx, list(headings(blocks)))
    body = writer.blocks(blocks)
    if body:
        parts.append(body)
    comments = _comments(doc, ctx)
    if comments:
        parts.append(comments)
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def _comments(doc: Document, ctx: RenderContext) -> str:
    lines: list[str] = []
    for comment in doc.get("comments") or []:
        if not isinstance(comment, Mapping):
            continue
        who = Span(ctx.user_name(comment.get("created_by")) or "Someone", bold=True)
        when = escape_md(str(comment.get("created_time") or ""), line_start=False)
        text = render_spans_md(
            spans(comment.get("rich_text"), ctx), newline="<br>", line_start=False
        )
        lines.append(f"- {render_spans_md([who], newline=' ')} ({when}): {text}")
    return "## Comments\n\n" + "\n".join(lines) if lines else ""


def _cell(text: str) -> str:
    return escape_md(text, line_start=False).replace("\n", "<br>") or " "


def _data_source(doc: Document, ctx: RenderContext, settings: MarkdownSettings) -> Iterator[str]:
    """The file a row at a time (its rows may be read from disk as they are rendered)."""
    source: Mapping[str, Any] = doc.get("data_source") or {}
    title_rt = source_title_rich_text(doc)
    fields = _fields(source, doc, title_rt, ctx)
    parts = _head(source, fields, title_rt, ctx, settings)
    description = render_spans_md(spans(source_description(source), ctx))
    if description:
        parts.append(description)
    yield "\n\n".join(p.rstrip("\n") for p in parts)
    schema = data_source_schema(doc)
    if schema:
        yield "\n\n| " + " | ".join(_cell(name) for name, _ in schema) + " |"
        yield "\n|" + " --- |" * len(schema)
        for row, values in rows(doc):
            cells = []
            for i, (name, config) in enumerate(schema):
                text = _cell(property_text(values.get(name), ctx, config))
                href = ctx.doc_href(str(row.get("id") or "")) if i == 0 else None
                if i == 0:
                    text = text if text.strip() else "Untitled"
                    text = f"[{text}]({md_link_target(href or url_of(row))})"
                cells.append(text)
            yield "\n| " + " | ".join(cells) + " |"
    yield "\n"
