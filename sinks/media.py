"""Names for media and file blocks (the link text when no caption says more)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["media_label", "media_url"]


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
