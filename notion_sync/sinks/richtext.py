"""Notion rich text resolved into format-neutral spans.

Both the Markdown and the HTML renderer consume :class:`Span` lists, so what a
mention means (its text, where it links) is decided once, here: page and
database mentions link to the exported file or to Notion, user and date
mentions become text, unknown mention types keep their ``plain_text`` and are
counted. Formats only decide how a span looks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from notion_sync.sinks.blocks import as_map
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.dates import format_date_value
from notion_sync.sinks.urls import safe_url

__all__ = ["COLORS", "Span", "plain_text", "spans"]

#: Notion's colour names; anything else from the wire is treated as "default".
COLORS = frozenset(
    [
        c
        for base in ("gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")
        for c in (base, f"{base}_background")
    ]
    + ["default"]
)

_TEMPLATE_TEXT = {"today": "@Today", "now": "@Now", "me": "@Me"}


@dataclass(frozen=True)
class Span:
    """A run of text with one set of annotations.

    ``kind`` is ``"text"``, ``"equation"`` (``text`` is TeX) or a mention type
    (``"user"``, ``"date"``, ``"page"``…), which formats may style.
    """

    text: str
    href: str | None = None
    bold: bool = False
    italic: bool = False
    strikethrough: bool = False
    underline: bool = False
    code: bool = False
    color: str = "default"
    kind: str = "text"


def plain_text(rich_text: Iterable[Mapping[str, Any]] | None) -> str:
    """The concatenated ``plain_text`` of a rich-text array (None-safe)."""
    if not rich_text:
        return ""
    return "".join(
        str(item.get("plain_text") or "") for item in rich_text if isinstance(item, Mapping)
    )


def _mention(item: Mapping[str, Any], ctx: RenderContext) -> tuple[str, str | None, str]:
    """(text, href, kind) for a mention rich-text item."""
    mention = as_map(item.get("mention"))
    kind = mention.get("type")
    body = mention.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, Mapping) else {}
    shown = str(item.get("plain_text") or "")
    if kind in ("page", "database", "data_source"):
        target = body.get("id") if isinstance(body.get("id"), str) else None
        text = shown or ctx.title_of(target) or "Untitled"
        return text, ctx.page_href(target), kind
    if kind == "user":
        return shown or "@" + (ctx.user_name(body) or "Unknown user"), None, kind
    if kind == "date":
        formatted = format_date_value(body)
        return ("@" + formatted) if formatted else shown, None, kind
    if kind == "link_preview":
        url = body.get("url")
        return shown or str(url or ""), safe_url(url), kind
    if kind == "link_mention":
        url = body.get("href")
        return shown or str(body.get("title") or url or ""), safe_url(url), kind
    if kind == "template_mention":
        sub = body.get("type")
        value = body.get(sub) if isinstance(sub, str) else None
        return shown or _TEMPLATE_TEXT.get(str(value), "@" + str(value or "template")), None, kind
    if kind == "custom_emoji":
        return shown or f":{body.get('name') or 'emoji'}:", None, kind
    ctx.note(f"mention:{kind or 'missing'}")
    return shown, safe_url(item.get("href")), "unknown"


def _span(item: Mapping[str, Any], ctx: RenderContext) -> Span | None:
    kind = item.get("type")
    notes = as_map(item.get("annotations"))
    color = notes.get("color") if notes.get("color") in COLORS else "default"
    style = Span(
        "",
        bold=bool(notes.get("bold")),
        italic=bool(notes.get("italic")),
        strikethrough=bool(notes.get("strikethrough")),
        underline=bool(notes.get("underline")),
        code=bool(notes.get("code")),
        color=str(color),
    )
    if kind == "text":
        body = as_map(item.get("text"))
        content = body.get("content")
        text = content if isinstance(content, str) else str(item.get("plain_text") or "")
        link = body.get("link")
        url = link.get("url") if isinstance(link, Mapping) else item.get("href")
        return replace(style, text=text, href=ctx.link_href(url))
    if kind == "equation":
        body = as_map(item.get("equation"))
        tex = body.get("expression")
        text = tex if isinstance(tex, str) else str(item.get("plain_text") or "")
        return replace(style, text=text, kind="equation")
    if kind == "mention":
        text, href, mkind = _mention(item, ctx)
        return replace(style, text=text, href=href, kind=mkind)
    ctx.note(f"rich_text:{kind or 'missing'}")
    text = str(item.get("plain_text") or "")
    return replace(style, text=text, href=safe_url(item.get("href"))) if text else None


def spans(rich_text: Iterable[Any] | None, ctx: RenderContext) -> list[Span]:
    """Resolve a rich-text array (None and junk items are skipped, never fatal)."""
    result: list[Span] = []
    for item in rich_text or []:
        if isinstance(item, Mapping):
            span = _span(item, ctx)
            if span is not None and span.text:
                result.append(span)
    return result
