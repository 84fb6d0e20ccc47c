"""Rich-text spans as inline HTML (used by the HTML format and by Markdown's
``<summary>`` lines, where Markdown syntax is not processed).

Every piece of text is escaped; hrefs were already vetted by
:func:`notion_sync.sinks.urls.safe_url` / the render context and are attribute-escaped
here. Colours map to CSS classes (from a fixed set), never to inline styles
built from wire data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from notion_sync.sinks.names import norm_id
from notion_sync.sinks.richtext import COLORS, Span

__all__ = ["attr", "color_class", "heading_anchor", "render_spans_html", "tex_code", "text"]


def text(value: str) -> str:
    """Escape text content (also quotes, so it is safe in attributes too)."""
    return escape(value, quote=True)


def attr(value: str) -> str:
    return escape(value, quote=True)


def tex_code(tex: str) -> str:
    """An inline equation shown as its TeX (Markdown's HTML, or TeX that did not convert)."""
    return f'<code class="equation" title="TeX">{text(tex)}</code>'


def _span(span: Span, math: Callable[[str], str]) -> str:
    if span.kind == "equation":
        inner = math(span.text)
    else:
        inner = text(span.text).replace("\n", "<br>")
        if span.code:
            inner = f"<code>{inner}</code>"
    if span.bold:
        inner = f"<strong>{inner}</strong>"
    if span.italic:
        inner = f"<em>{inner}</em>"
    if span.strikethrough:
        inner = f"<s>{inner}</s>"
    if span.underline:
        inner = f"<u>{inner}</u>"
    if span.color.endswith("_background"):
        inner = f'<mark class="highlight-{span.color[:-11]}">{inner}</mark>'
    elif span.color != "default":
        inner = f'<span class="color-{span.color}">{inner}</span>'
    if span.kind not in ("text", "equation", "unknown"):
        inner = f'<span class="mention mention-{attr(span.kind)}">{inner}</span>'
    if span.href is not None:
        inner = f'<a href="{attr(span.href)}">{inner}</a>'
    return inner


def render_spans_html(spans: list[Span], math: Callable[[str], str] = tex_code) -> str:
    """Spans as inline HTML; line breaks inside a block become ``<br>``.

    ``math`` draws an inline equation from its TeX: the HTML format passes MathML,
    Markdown's ``<summary>`` lines keep the TeX.
    """
    return "".join(_span(s, math) for s in spans)


def heading_anchor(block_id: str) -> str:
    """The element id of a heading: from its block id, so TOC links survive text edits."""
    return "h-" + (norm_id(block_id) or "x")


def color_class(body: Mapping[str, Any]) -> str:
    """`` class="…"`` for a block's colour (from the fixed palette), or nothing."""
    color = body.get("color")
    if color in COLORS and color != "default":
        name = str(color)
        return (
            f' class="highlight-{name[:-11]}"'
            if name.endswith("_background")
            else f' class="color-{name}"'
        )
    return ""
