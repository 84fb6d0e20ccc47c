"""What a renderer may know beyond the document itself.

A renderer is a pure function of ``(document, RenderContext)``: the context
answers "where does that page live relative to me?", "where is the downloaded
copy of this file?", "what is this user's name?", and counts what could not be
rendered faithfully. It never touches the disk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from notion_sync.sinks.layout import Layout, notion_url, relative_href
from notion_sync.sinks.names import norm_id
from notion_sync.sinks.urls import notion_target, quote_href, safe_url

__all__ = ["RenderContext"]


@dataclass
class RenderContext:
    """Per-document rendering context.

    :param layout: the export's layout (may be empty when rendering one document alone).
    :param doc_id: the id of the document being rendered.
    :param extension: the format's file extension, e.g. ``".md"``: links between
        documents point at files of the same format.
    :param files: served URL → path (relative to the format root) of the placed copy.
    :param users: user id → display name, from the export's users document.
    :param stats: counts of unknown block / property / mention types, keyed
        ``"block:<type>"``, ``"property:<type>"``, ``"mention:<type>"``.
    :param formats: the formats this render writes, so a format may point into another's
        tree (a CSV row at its Markdown page) only where that tree exists.
    :param number_formats: property id → ``number.format`` of the data source a row page
        belongs to (its own property values do not carry it), so the page shows its
        numbers as the data source's table does.
    """

    layout: Layout
    doc_id: str
    extension: str
    files: Mapping[str, PurePosixPath] = field(default_factory=dict)
    users: Mapping[str, str] = field(default_factory=dict)
    stats: Counter[str] = field(default_factory=Counter)
    formats: frozenset[str] = frozenset()
    number_formats: Mapping[str, str] = field(default_factory=dict)

    @property
    def path(self) -> PurePosixPath:
        """This document's file, relative to the format root."""
        if self.doc_id in self.layout:
            return self.layout.path(self.doc_id, self.extension)
        return PurePosixPath(norm_id(self.doc_id) + self.extension)

    def href_to(self, target: PurePosixPath) -> str:
        """A percent-encoded relative link from this document to a path of the tree."""
        return quote_href(relative_href(self.path, target))

    def doc_href(self, notion_id: str | None) -> str | None:
        """Relative link to an exported page / data source / database, else None."""
        if not notion_id:
            return None
        key = self.layout.resolve(notion_id)
        return self.href_to(self.layout.path(key, self.extension)) if key else None

    def page_href(self, notion_id: str | None) -> str | None:
        """Relative link if exported, else the Notion URL (None without an id)."""
        if not notion_id:
            return None
        return self.doc_href(notion_id) or notion_url(notion_id)

    def link_href(self, url: object) -> str | None:
        """A text link's target: Notion-internal links rewritten, unsafe ones dropped."""
        if not isinstance(url, str):
            return None
        target = notion_target(url)
        if target is not None:
            return self.page_href(target)
        return safe_url(url)

    def file_href(self, url: object) -> str | None:
        """The relative link to a downloaded copy, or the URL itself if safe."""
        if isinstance(url, str) and url in self.files:
            return self.href_to(self.files[url])
        return safe_url(url)

    def file_object_href(self, obj: Mapping[str, Any] | None) -> str | None:
        """Link for a Notion file object (``file`` / ``external`` / ``file_upload``)."""
        if not isinstance(obj, Mapping):
            return None
        kind = obj.get("type")
        inner = obj.get(kind) if isinstance(kind, str) else None
        url = inner.get("url") if isinstance(inner, Mapping) else None
        return self.file_href(url)

    def user_name(self, user: Mapping[str, Any] | None) -> str:
        """A user's display name: as served, else from the users document, else the id."""
        if not isinstance(user, Mapping):
            return ""
        name = user.get("name")
        if isinstance(name, str) and name:
            return name
        uid = user.get("id")
        if isinstance(uid, str):
            return self.users.get(uid) or self.users.get(norm_id(uid)) or uid
        return ""

    def title_of(self, notion_id: str | None) -> str | None:
        return self.layout.title(notion_id) if notion_id else None

    def note(self, key: str) -> None:
        """Count one unknown thing (``"block:foo"``), for the export report."""
        self.stats[key] += 1
