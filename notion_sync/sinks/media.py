"""Media, file and link blocks: their names (link text when no caption says more) and HTML.

Downloaded audio and video play inline; anything external stays a link, so a
page never loads a remote resource a reader did not click. Bookmarks, embeds and
link previews become cards showing where they lead: Notion's own export shows the
page title it fetched, which the API does not give, so the caption stands in for
it, else the URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from notion_sync.sinks.html_inline import attr, text

__all__ = ["link_card", "media_html", "media_label", "media_url"]

_CARD_NAMES = {"bookmark": "Bookmark", "embed": "Embed", "link_preview": "Link preview"}


def media_url(body: Mapping[str, Any]) -> str | None:
    """The URL of a file object (``file`` / ``external`` / ``file_upload``) as served."""
    kind = body.get("type")
    inner = body.get(kind) if isinstance(kind, str) else None
    url = inner.get("url") if isinstance(inner, Mapping) else None
    return url if isinstance(url, str) else None


def media_label(body: Mapping[str, Any]) -> str:
    """The file's name as Notion shows it: its ``name``, else the URL's last segment."""
    name = body.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    url = media_url(body)
    if url:
        try:
            last = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
        except ValueError:
            last = ""
        if last:
            return last
    return "file"


def media_html(kind: str, body: Mapping[str, Any], href: str | None, caption_html: str) -> str:
    """A ``<figure>`` for an image / video / audio / pdf / file block (href already vetted)."""
    label = text(media_label(body))
    local = href is not None and not href.startswith(("http:", "https:", "mailto:"))
    if href is None:
        inner = f'<span class="file unavailable">{label} (unavailable)</span>'
    elif kind == "image":
        caption = body.get("caption")
        alt_text = (
            "".join(str(c.get("plain_text") or "") for c in caption if isinstance(c, Mapping))
            if isinstance(caption, list)
            else ""
        )
        img = f'<img src="{attr(href)}" alt="{attr(alt_text or media_label(body))}" loading="lazy">'
        inner = f'<a href="{attr(href)}">{img}</a>'
    elif kind in ("video", "audio") and local:
        inner = f'<{kind} controls preload="metadata" src="{attr(href)}"></{kind}>'
    else:
        inner = f'<a class="file" href="{attr(href)}">{label}</a>'
    cap = f"\n<figcaption>{caption_html}</figcaption>" if caption_html else ""
    return f'<figure class="{attr(kind)}">\n{inner}{cap}\n</figure>'


def link_card(kind: str, url: str, href: str | None, caption: str) -> str:
    """A card for a bookmark / embed / link preview: its title, then its URL small."""
    title = caption or url or _CARD_NAMES.get(kind, kind)
    parts = [f'<span class="card-title">{text(title)}</span>']
    if url and url != title:
        parts.append(f'<span class="card-url">{text(url)}</span>')
    inner = "".join(parts)
    card = (
        f'<a class="card" href="{attr(href)}">{inner}</a>'
        if href
        else f'<span class="card">{inner}</span>'
    )
    return f'<figure class="link-card {attr(kind)}">\n{card}\n</figure>'
