"""Property values as HTML table cells: the CSV text, plus links and tags.

URLs, e-mails, files and relations become links (relative when the target was
exported or the file downloaded); selects become coloured tags; everything else
is the escaped text Notion's CSV would show.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notion_sync.sinks.blocks import as_map
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.html_inline import attr, text
from notion_sync.sinks.media import media_label
from notion_sync.sinks.properties import property_text
from notion_sync.sinks.richtext import COLORS
from notion_sync.sinks.urls import safe_url

__all__ = ["property_html"]


def _tag(option: object) -> str:
    if not isinstance(option, Mapping):
        return ""
    color = option.get("color") if option.get("color") in COLORS else "default"
    return f'<span class="tag tag-{color}">{text(str(option.get("name") or ""))}</span>'


def _link(href: str | None, label: str) -> str:
    return f'<a href="{attr(href)}">{text(label)}</a>' if href else text(label)


def property_html(
    prop: Mapping[str, Any] | None, ctx: RenderContext, config: Mapping[str, Any] | None = None
) -> str:
    """One property value as inline HTML (escaped; links vetted by the context)."""
    if not isinstance(prop, Mapping):
        return ""
    kind = prop.get("type")
    value = prop.get(kind) if isinstance(kind, str) else None
    if kind == "url" and isinstance(value, str):
        return _link(safe_url(value), value)
    if kind == "email" and isinstance(value, str):
        return _link(safe_url("mailto:" + value), value)
    if kind in ("select", "status"):
        return _tag(value)
    if kind == "multi_select" and isinstance(value, list):
        return " ".join(_tag(o) for o in value)
    if kind == "checkbox":
        checked = " checked" if value else ""
        label = "Yes" if value else "No"
        return f'<input type="checkbox" disabled{checked} aria-label="{label}">'
    if kind == "files" and isinstance(value, list):
        # Notion-hosted files not placed beside this document (a data source's rows:
        # their files sit beside the row pages) show their name, never the signed URL
        # that expires within the hour.
        return ", ".join(
            text(str(f.get("name") or media_label(f)))
            if f.get("type") == "file" and as_map(f.get("file")).get("url") not in ctx.files
            else _link(ctx.file_object_href(f), str(f.get("name") or media_label(f)))
            for f in value
            if isinstance(f, Mapping)
        )
    if kind == "relation" and isinstance(value, list):
        links = []
        for rel in value:
            rid = rel.get("id") if isinstance(rel, Mapping) else None
            if isinstance(rid, str):
                links.append(_link(ctx.page_href(rid), ctx.title_of(rid) or "Untitled"))
        return ", ".join(links)
    return text(property_text(prop, ctx, config))
