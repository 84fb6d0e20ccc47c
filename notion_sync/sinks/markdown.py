"""GitHub-flavoured Markdown: one ``.md`` per page and per data source.

A page starts with YAML front matter (id, title, url, times, properties), then
``# Title`` and its blocks; a data source is a table of its rows linking to the
row pages. Block rules follow issue 5: toggles and toggleable headings as
``<details>``, callouts as blockquotes, pipe tables, columns in order, synced
blocks as their content, unknown types as their text plus a visible note.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from notion_sync.sinks.blocks import headings
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.frontmatter import front_matter
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
from notion_sync.sinks.richtext import plain_text, spans
from notion_sync.store.document import Document

__all__ = ["MarkdownRenderer"]


class MarkdownRenderer:
    """The ``markdown`` format (see module docstring)."""

    name = "markdown"
    file_extension = ".md"
    kinds = frozenset({"page", "data_source"})

    def render(self, doc: Document, ctx: RenderContext) -> bytes:
        return b"".join(self.render_pieces(doc, ctx))

    def render_pieces(self, doc: Document, ctx: RenderContext) -> Iterator[bytes]:
        if doc.get("kind") == "data_source":
            return utf8_batches(_data_source(doc, ctx))
        return iter((_page(doc, ctx).encode("utf-8"),))


def _title_line(obj: Mapping[str, Any], title_rt: list[Any], ctx: RenderContext) -> str:
    shown = render_spans_md(spans(title_rt, ctx), newline=" ", line_start=False) or "Untitled"
    mark = icon(obj, ctx)
    if mark and mark[0] == "emoji":
        shown = f"{escape_md(mark[1])} {shown}"
    elif mark:
        shown = f"![]({md_link_target(mark[1])}) {shown}"
    return f"# {shown}"


def _page(doc: Document, ctx: RenderContext) -> str:
    page: Mapping[str, Any] = doc.get("page") or {}
    props = page_properties(page, doc.get("property_items"))
    meta: dict[str, Any] = {
        "id": page.get("id") or doc.get("id"),
        "title": plain_text(page_title_rich_text(page)),
        "url": url_of(page),
        "created_time": page.get("created_time"),
        "last_edited_time": page.get("last_edited_time"),
    }
    if page.get("created_by"):
        meta["created_by"] = ctx.user_name(page.get("created_by"))
    if page.get("in_trash") or page.get("archived"):
        meta["in_trash"] = True
    meta["properties"] = {
        name: property_data(prop, ctx) for name, prop in props if prop.get("type") != "title"
    }
    parts = [front_matter(meta), _title_line(page, page_title_rich_text(page), ctx)]
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
        who = escape_md(ctx.user_name(comment.get("created_by")) or "Someone", line_start=False)
        when = escape_md(str(comment.get("created_time") or ""), line_start=False)
        text = render_spans_md(
            spans(comment.get("rich_text"), ctx), newline="<br>", line_start=False
        )
        lines.append(f"- **{who}** ({when}): {text}")
    return "## Comments\n\n" + "\n".join(lines) if lines else ""


def _cell(text: str) -> str:
    return escape_md(text, line_start=False).replace("\n", "<br>") or " "


def _data_source(doc: Document, ctx: RenderContext) -> Iterator[str]:
    """The file a row at a time (its rows may be read from disk as they are rendered)."""
    source: Mapping[str, Any] = doc.get("data_source") or {}
    title_rt = source_title_rich_text(doc)
    meta = {
        "id": source.get("id") or doc.get("id"),
        "title": plain_text(title_rt),
        "url": url_of(source),
        "created_time": source.get("created_time"),
        "last_edited_time": source.get("last_edited_time"),
    }
    parts = [front_matter(meta), _title_line(source, title_rt, ctx)]
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
