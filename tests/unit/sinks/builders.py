"""Builders for Notion objects shaped exactly as the API serves them.

Tests write their expectations by hand from the Notion API reference and issue
5; these helpers only save typing the (long) object envelopes.
"""

from __future__ import annotations

from typing import Any

from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.layout import Layout, build_layout
from notion_sync.store.document import Document
from notion_sync.store.documents import index_entry

JSON = dict[str, Any]

PAGE_ID = "0f1e2d3c-4b5a-4968-8776-a1b2c3d4e5f6"
OTHER_ID = "a0a0a0a0-b1b1-4c2c-9d3d-e4e4e4e4e4e4"
SOURCE_ID = "5e5e5e5e-6f6f-4a7a-8b8b-9c9c9c9c9c9c"
DATABASE_ID = "d1d1d1d1-e2e2-4f3f-8a4a-b5b5b5b5b5b5"
ROW_ID = "7a7a7a7a-8b8b-4c9c-8d0d-1e1e1e1e1e1e"


def ann(**flags: Any) -> JSON:
    base = {
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "code": False,
        "color": "default",
    }
    base.update(flags)
    return base


def rt(text: str, link: str | None = None, **flags: Any) -> JSON:
    return {
        "type": "text",
        "text": {"content": text, "link": {"url": link} if link else None},
        "annotations": ann(**flags),
        "plain_text": text,
        "href": link,
    }


def mention(body: JSON, plain: str, href: str | None = None) -> JSON:
    return {
        "type": "mention",
        "mention": body,
        "annotations": ann(),
        "plain_text": plain,
        "href": href,
    }


def equation(tex: str) -> JSON:
    return {
        "type": "equation",
        "equation": {"expression": tex},
        "annotations": ann(),
        "plain_text": tex,
        "href": None,
    }


def block(
    kind: str,
    body: JSON | None = None,
    children: list[JSON] | None = None,
    block_id: str | None = None,
) -> JSON:
    b: JSON = {
        "object": "block",
        "id": block_id or f"b-{kind}",
        "type": kind,
        kind: body if body is not None else {},
        "has_children": bool(children),
        "archived": False,
        "in_trash": False,
    }
    if children:
        b["children"] = children
    return b


def para(text: str, children: list[JSON] | None = None) -> JSON:
    return block("paragraph", {"rich_text": [rt(text)], "color": "default"}, children)


def page(
    page_id: str = PAGE_ID,
    title: str = "Page",
    parent: JSON | None = None,
    properties: JSON | None = None,
    **extra: Any,
) -> JSON:
    props = {"title": {"id": "title", "type": "title", "title": [rt(title)] if title else []}}
    props.update(properties or {})
    obj = {
        "object": "page",
        "id": page_id,
        "created_time": "2024-03-01T09:30:00.000Z",
        "last_edited_time": "2024-03-02T17:05:00.000Z",
        "created_by": {"object": "user", "id": "u-1"},
        "parent": parent or {"type": "workspace", "workspace": True},
        "archived": False,
        "in_trash": False,
        "icon": None,
        "cover": None,
        "properties": props,
        "url": f"https://www.notion.so/{page_id.replace('-', '')}",
    }
    obj.update(extra)
    return obj


def page_doc(blocks: list[JSON] | None = None, **kw: Any) -> Document:
    return doc_of(page(**kw), blocks)


def doc_of(p: JSON, blocks: list[JSON] | None = None) -> Document:
    """The page document of a page object already built (a data source's row)."""
    return {
        "kind": "page",
        "id": p["id"],
        "page": p,
        "blocks": blocks or [],
        "comments": [],
        "property_items": {},
        "files": {},
    }


def source_doc(
    schema: JSON,
    rows: list[JSON],
    source_id: str = SOURCE_ID,
    title: str = "Tasks",
    parent: JSON | None = None,
) -> Document:
    source = {
        "object": "data_source",
        "id": source_id,
        "title": [rt(title)],
        "description": [],
        "properties": schema,
        "parent": {"type": "database_id", "database_id": DATABASE_ID},
        "database_parent": parent or {"type": "workspace", "workspace": True},
        "created_time": "2024-03-01T09:30:00.000Z",
        "last_edited_time": "2024-03-02T17:05:00.000Z",
        "url": f"https://www.notion.so/{source_id.replace('-', '')}",
    }
    return {
        "kind": "data_source",
        "id": source_id,
        "data_source": source,
        "rows": rows,
        "property_items": {},
        "files": {},
    }


def make_ctx(
    docs: list[Document], doc: Document, extension: str = ".md", users: dict[str, str] | None = None
) -> RenderContext:
    layout: Layout = build_layout([index_entry(d) for d in docs])
    placed = layout.place_files(doc["id"], doc.get("files") or {}) if doc["id"] in layout else {}
    return RenderContext(layout, doc["id"], extension, placed, users or {})
