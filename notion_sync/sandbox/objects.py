"""Notion object shapes (API version 2025-09-03) built from the generated workspace.

Values may contain :class:`~.files.FileRef` placeholders; the server's JSON encoder turns
them into signed, expiring ``{"url", "expiry_time"}`` objects at response time.
"""

from __future__ import annotations

import random
import re
from typing import Any

from .blocks import CONTAINER_SEQ, Block
from .files import FileRef, iso
from .generator import DatabaseNode, DataSourceNode, PageNode, Workspace
from .ids import Kind, digest, encode_id
from .properties import ds_schema, page_title_property, row_values, truncate, user_object
from .richtext import sentence, text_item

__all__ = [
    "block_object",
    "child_database_block",
    "child_page_block",
    "comment_objects",
    "cover_and_icon",
    "data_source_object",
    "database_object",
    "database_parent",
    "page_comment_count",
    "page_object",
    "page_parent",
    "page_properties",
    "partial_user",
    "user_object",  # re-exported: objects are built from here
]

JSON = dict[str, Any]
#: The page with the long comment thread has this many page-level comments.
MANY_COMMENTS = 120


def partial_user(ws: Workspace, idx: int) -> JSON:
    """``{"object": "user", "id": ...}`` as in created_by / last_edited_by."""
    return {"object": "user", "id": ws.users[idx].id}


def _notion_url(title: str, object_id: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:60]
    hex_id = object_id.replace("-", "")
    return f"https://www.notion.so/{slug + '-' if slug else ''}{hex_id}"


def page_parent(ws: Workspace, page: PageNode) -> JSON:
    """The parent object of a page."""
    if page.parent_kind == "workspace":
        return {"type": "workspace", "workspace": True}
    if page.parent_kind == "data_source":
        ds = ws.data_sources[page.parent_idx]
        return {
            "type": "data_source_id",
            "data_source_id": ds.id,
            "database_id": ws.databases[ds.database_idx].id,
        }
    if page.parent_kind == "block":
        return {
            "type": "block_id",
            "block_id": encode_id(ws.seed, Kind.BLOCK, page.parent_idx, CONTAINER_SEQ),
        }
    return {"type": "page_id", "page_id": ws.pages[page.parent_idx].id}


def database_parent(ws: Workspace, db: DatabaseNode) -> JSON:
    """The parent object of a database."""
    if db.parent_kind == "workspace":
        return {"type": "workspace", "workspace": True}
    return {"type": "page_id", "page_id": ws.pages[db.parent_idx].id}


def cover_and_icon(ws: Workspace, kind: Kind, idx: int, object_id: str) -> tuple[Any, Any]:
    """Deterministic cover and icon: hosted file, external file, emoji or none."""
    # The first database always has a hosted cover, so every workspace has one.
    roll = 0 if (kind, idx) == (Kind.DATABASE, 0) else digest(ws.seed, "cover", object_id) % 5
    cover: Any = None
    if roll == 0:
        cover = {
            "type": "file",
            "file": FileRef(
                encode_id(ws.seed, Kind.FILE, idx, 0 if kind == Kind.PAGE else 1 << 20), "cover.png"
            ),
        }
    elif roll == 1:
        cover = {"type": "external", "external": {"url": "https://images.unsplash.com/photo-1"}}
    roll = digest(ws.seed, "icon", object_id) % 4
    icon: Any = None
    if roll == 0:
        icon = {"type": "emoji", "emoji": "📄"}
    elif roll == 1:
        icon = {
            "type": "external",
            "external": {"url": "https://www.notion.so/icons/star_gray.svg"},
        }
    elif roll == 2:
        icon = {
            "type": "file",
            "file": FileRef(
                encode_id(ws.seed, Kind.FILE, idx, 1 if kind == Kind.PAGE else 1 << 21), "icon.png"
            ),
        }
    return cover, icon


def page_properties(ws: Workspace, page: PageNode) -> tuple[dict[str, JSON], dict[str, int]]:
    """The properties a page object shows, and which ones were truncated (id -> total)."""
    if page.parent_kind != "data_source":
        return page_title_property(page), {}
    return truncate(row_values(ws, page))


def page_object(ws: Workspace, page: PageNode) -> JSON:
    """A full page object."""
    cover, icon = cover_and_icon(ws, Kind.PAGE, page.idx, page.id)
    properties, _ = page_properties(ws, page)
    return {
        "object": "page",
        "id": page.id,
        "created_time": iso(page.created),
        "last_edited_time": iso(page.edited),
        "created_by": partial_user(ws, page.created_by),
        "last_edited_by": partial_user(ws, page.edited_by),
        "cover": cover,
        "icon": icon,
        "parent": page_parent(ws, page),
        "archived": False,
        "in_trash": False,
        "is_locked": False,
        "properties": properties,
        "url": _notion_url(page.title, page.id),
        "public_url": (
            _notion_url(page.title, page.id).replace("www.notion.so", "sandbox.notion.site")
            if page.idx % 7 == 0
            else None
        ),
    }


def _db_rich_title(title: str) -> list[JSON]:
    return [text_item(title)]


def database_object(ws: Workspace, db: DatabaseNode) -> JSON:
    """A database object (2025-09-03: a container listing its data sources)."""
    cover, icon = cover_and_icon(ws, Kind.DATABASE, db.idx, db.id)
    return {
        "object": "database",
        "id": db.id,
        "title": _db_rich_title(db.title),
        "description": [],
        "parent": database_parent(ws, db),
        "is_inline": db.is_inline,
        "in_trash": False,
        "archived": False,
        "is_locked": False,
        "created_time": iso(db.created),
        "last_edited_time": iso(db.edited),
        "created_by": partial_user(ws, 0),
        "last_edited_by": partial_user(ws, 0),
        "icon": icon,
        "cover": cover,
        "url": _notion_url(db.title, db.id),
        "public_url": None,
        "data_sources": [
            {"id": ws.data_sources[s].id, "name": ws.data_sources[s].title} for s in db.data_sources
        ],
    }


def data_source_object(ws: Workspace, ds: DataSourceNode) -> JSON:
    """A data source object, schema included."""
    db = ws.databases[ds.database_idx]
    cover, icon = cover_and_icon(ws, Kind.DATABASE, db.idx, db.id)
    return {
        "object": "data_source",
        "id": ds.id,
        "created_time": iso(ds.created),
        "last_edited_time": iso(ds.edited),
        "created_by": partial_user(ws, 0),
        "last_edited_by": partial_user(ws, 0),
        "properties": ds_schema(ws, ds),
        "parent": {"type": "database_id", "database_id": db.id},
        "database_parent": database_parent(ws, db),
        "archived": False,
        "in_trash": False,
        "is_inline": db.is_inline,
        "icon": icon,
        "cover": cover,
        "url": _notion_url(ds.title, ds.id),
        "public_url": None,
        "title": _db_rich_title(ds.title),
        "description": [],
    }


def _block_common(
    ws: Workspace,
    page: PageNode,
    block_id: str,
    parent: JSON,
    has_children: bool,
    type_: str,
    content: JSON,
) -> JSON:
    return {
        "object": "block",
        "id": block_id,
        "parent": parent,
        "created_time": iso(page.created),
        "last_edited_time": iso(page.edited),
        "created_by": partial_user(ws, page.created_by),
        "last_edited_by": partial_user(ws, page.edited_by),
        "has_children": has_children,
        "archived": False,
        "in_trash": False,
        "type": type_,
        type_: content,
    }


def block_object(ws: Workspace, page: PageNode, block: Block) -> JSON:
    """A block object (content blocks, and child_page/child_database links in a page)."""
    parent = {"type": block.parent_type, block.parent_type: block.parent_id}
    return _block_common(ws, page, block.id, parent, block.has_children, block.type, block.content)


def child_page_block(ws: Workspace, page: PageNode) -> JSON:
    """``GET /v1/blocks/{page_id}``: a page seen as a block of its parent."""
    parent = page_parent(ws, page)
    if parent["type"] == "data_source_id":
        parent = {"type": "data_source_id", "data_source_id": parent["data_source_id"]}
    return _block_common(
        ws, page, page.id, parent, page.top_level_total > 0, "child_page", {"title": page.title}
    )


def child_database_block(ws: Workspace, db: DatabaseNode) -> JSON:
    """``GET /v1/blocks/{database_id}``: a database seen as a block of its parent page."""
    host = ws.pages[db.parent_idx] if db.parent_kind == "page" else ws.pages[0]
    return _block_common(
        ws, host, db.id, database_parent(ws, db), False, "child_database", {"title": db.title}
    )


def page_comment_count(ws: Workspace, page: PageNode) -> int:
    """Number of page-level comments of ``page``."""
    if page.idx == ws.many_comments_idx:
        return MANY_COMMENTS
    return digest(ws.seed, "page-comments", page.id) % 4


def comment_objects(
    ws: Workspace, page: PageNode, parent: JSON, count: int, sub_base: int
) -> list[JSON]:
    """``count`` comments on ``parent``, grouped into discussion threads of up to three."""
    rng = random.Random(f"{ws.seed}:comments:{page.id}:{sub_base}")
    people = [u for u in ws.users if u.type == "person"]
    out = []
    for k in range(count):
        author = people[rng.randrange(len(people))] if k % 5 else ws.users[ws.bot_idx]
        ts = page.created + 60 * (k + 1)
        out.append(
            {
                "object": "comment",
                "id": encode_id(ws.seed, Kind.COMMENT, page.idx, sub_base + k),
                "parent": parent,
                "discussion_id": encode_id(ws.seed, Kind.DISCUSSION, page.idx, sub_base + k // 3),
                "created_time": iso(ts),
                "last_edited_time": iso(ts),
                "created_by": {"object": "user", "id": author.id},
                "rich_text": [text_item(sentence(rng, 3, 12))],
                "display_name": {
                    "type": "integration" if author.type == "bot" else "user",
                    "resolved_name": author.name,
                },
            }
        )
    return out
