"""Blocks that lead elsewhere, in Markdown: other pages, databases, files, URLs.

A link to an exported document is relative (the same format's file), else
Notion's URL; a file links to its downloaded copy when there is one. Bookmarks
and embeds show their URL as the link and the caption under it, so neither hides
the other (Notion's own export shows the fetched title, which the API does not give).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notion_sync.sinks.blocks import payload, type_name
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.md_inline import escape_md, md_link_target, render_spans_md
from notion_sync.sinks.media import media_label
from notion_sync.sinks.richtext import plain_text, spans

__all__ = ["breadcrumb", "child_database", "child_page", "link_block", "link_to_page", "media"]

Block = Mapping[str, Any]


def _caption(ctx: RenderContext, body: Mapping[str, Any], text: str) -> str:
    caption = body.get("caption")
    shown = render_spans_md(spans(caption if isinstance(caption, list) else [], ctx))
    return f"{text}\n\n{shown}" if shown else text


def _doc_link(ctx: RenderContext, title: str, target: str | None) -> str:
    href = ctx.page_href(target)
    label = escape_md(title or "Untitled", line_start=False)
    return f"[{label}]({md_link_target(href)})" if href else label


def child_page(ctx: RenderContext, block: Block) -> str:
    title = payload(block).get("title")
    bid = str(block.get("id") or "")
    return _doc_link(
        ctx, title if isinstance(title, str) and title else ctx.title_of(bid) or "", bid
    )


def child_database(ctx: RenderContext, block: Block) -> str:
    """The database's data sources (one link, or a list of them)."""
    bid = str(block.get("id") or "")
    title = str(payload(block).get("title") or "")
    sources = ctx.layout.sources(bid)
    if not sources:
        return _doc_link(ctx, title, bid)
    if len(sources) == 1:
        return _doc_link(ctx, title or ctx.layout.title(sources[0]) or "", sources[0])
    return "\n".join("- " + _doc_link(ctx, ctx.layout.title(s) or title, s) for s in sources)


def link_to_page(ctx: RenderContext, block: Block) -> str:
    body = payload(block)
    kind = body.get("type")
    target = body.get(kind) if isinstance(kind, str) else None
    target = target if isinstance(target, str) else None
    return _doc_link(ctx, ctx.title_of(target) or "", target)


def link_block(ctx: RenderContext, block: Block) -> str:
    """A bookmark, embed or link preview: its URL, linked, and its caption."""
    body = payload(block)
    url = str(body.get("url") or "")
    href = ctx.link_href(url)
    label = escape_md(url.strip() or type_name(str(block.get("type"))), line_start=False)
    return _caption(ctx, body, f"[{label}]({md_link_target(href)})" if href else label)


def media(ctx: RenderContext, block: Block) -> str:
    """An image inline; other files (and images without a usable URL) as links."""
    body = payload(block)
    href = ctx.file_object_href(body)
    label = escape_md(media_label(body), line_start=False)
    if block.get("type") == "image" and href:
        alt = escape_md(plain_text(body.get("caption") or []), line_start=False) or label
        return _caption(ctx, body, f"![{alt.replace(chr(10), ' ')}]({md_link_target(href)})")
    text = f"[{label}]({md_link_target(href)})" if href else f"{label} _(file unavailable)_"
    return _caption(ctx, body, text)


def breadcrumb(ctx: RenderContext) -> str:
    layout = ctx.layout
    crumbs = [_doc_link(ctx, layout.title(a) or "", a) for a in layout.ancestors(ctx.doc_id)]
    crumbs.append(escape_md(layout.title(ctx.doc_id) or "Untitled", line_start=not crumbs))
    return " / ".join(crumbs)
