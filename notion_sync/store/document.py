"""The assembled documents that flow from the fetcher to the renderers.

A *document* is the unit the sink assembles and the renderers consume: everything
needed to render one output file, as plain JSON-compatible dicts holding the Notion
objects exactly as the API served them. Nothing here talks to Kafka or Notion.

Page document::

    {"kind": "page", "id": <page id>,
     "page": <page object as served>,
     "blocks": [<block object + "children": [...] when has_children>, ...],
     "comments": [<comment object>, ...],
     "property_items": {<property id>: [<property item object>, ...]},   # only truncated ones
     "files": {<url as served>: {"sha256": ..., "name": ..., "size": ..., "content_type": ...}}}

Data source document::

    {"kind": "data_source", "id": <data source id>,
     "data_source": <data source object as served>,
     "database": <its database object as served>,   # absent only if it has no database parent
     "rows": [<row page object>, ...],
     "property_items": {<row id>: {<property id>: [<property item>, ...]}},
     "files": {...}}

Users document (one per export, id ``"users"``)::

    {"kind": "users", "id": "users", "users": [<user object>, ...]}

The block tree nests children under a top-level ``"children"`` key, which Notion's
block objects never carry, so dropping that key gives back the served object.

A data source carries its database because the database's own object (title,
description, icon, cover, its list of data sources) is served only by ``GET
/v1/databases/{id}`` and is no document of its own, and because it names a data
source Notion serves untitled. Documents stored before it was always read lack it
for titled sources: readers treat ``"database"`` as optional.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

__all__ = [
    "USERS_DOCUMENT_ID",
    "Document",
    "DocumentKind",
    "FileRef",
    "IndexEntry",
    "data_source_title",
]

DocumentKind = Literal["page", "data_source", "users"]
USERS_DOCUMENT_ID = "users"

Document = dict[str, Any]


class FileRef(TypedDict):
    """A Notion-hosted file downloaded at fetch time into the content-addressed store."""

    sha256: str
    name: str
    size: int
    content_type: str


class IndexEntry(TypedDict):
    """What the layout needs to place a document without loading it.

    ``parent`` is the Notion parent object as served (for a data source, the
    ``database_parent`` of its database, since that is where the database sits).
    ``children`` lists the ids of ``child_page`` / ``child_database`` blocks in the
    document's tree: a page whose parent is a block (a toggle, a column) belongs to
    the page whose tree holds its ``child_page`` block. ``child_databases`` is the
    subset that are databases, so a rerun can schedule an unchanged page's child
    documents from its entry without reading the page.
    """

    id: str
    kind: DocumentKind
    title: str
    parent: dict[str, Any] | None
    database_id: str | None
    children: list[str]
    child_databases: list[str]
    last_edited_time: str | None


def _plain(rich_text: object) -> str:
    if not isinstance(rich_text, list):
        return ""
    return "".join(
        str(item.get("plain_text") or "") for item in rich_text if isinstance(item, Mapping)
    )


def _text_item(content: str) -> dict[str, Any]:
    """A plain rich-text item, as Notion serves one."""
    return {
        "type": "text",
        "text": {"content": content, "link": None},
        "annotations": {
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "code": False,
            "color": "default",
        },
        "plain_text": content,
        "href": None,
    }


def data_source_title(
    source: Mapping[str, Any], database: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """A data source's name as rich text, as Notion shows it: its own title, else the name
    its database gives it in ``data_sources``, else the database's title.

    Notion serves an empty ``title`` for a database's single data source; the app shows
    the database's name there, and so must every output format.
    """
    own = source.get("title")
    if _plain(own).strip():
        return list(own) if isinstance(own, list) else []
    database = database or {}
    own_id = str(source.get("id") or "").replace("-", "")
    for listed in database.get("data_sources") or []:
        if isinstance(listed, dict) and str(listed.get("id") or "").replace("-", "") == own_id:
            name = str(listed.get("name") or "")
            if name.strip():
                return [_text_item(name)]
    title = database.get("title")
    return list(title) if isinstance(title, list) and _plain(title).strip() else []
