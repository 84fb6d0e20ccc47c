"""Small shape checkers for Notion objects, written from the API reference (2025-09-03).

Each checker asserts the required keys and value types of one object type and recurses
into the parts that have their own shapes (rich text, files, users, parents).
"""

from __future__ import annotations

import re
from typing import Any

JSON = dict[str, Any]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
COLORS = {"default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red"}
COLORS |= {f"{c}_background" for c in COLORS - {"default"}}


def keys(obj: JSON, *required: str) -> None:
    missing = [k for k in required if k not in obj]
    assert not missing, f"{obj.get('object', obj.get('type'))} lacks {missing}: {obj}"


def uuid(value: Any) -> None:
    assert isinstance(value, str) and UUID.match(value), value


def timestamp(value: Any) -> None:
    assert isinstance(value, str) and ISO.match(value), value


def partial_user(obj: JSON) -> None:
    keys(obj, "object", "id")
    assert obj["object"] == "user"
    uuid(obj["id"])


def user(obj: JSON) -> None:
    keys(obj, "object", "id", "type", "name", "avatar_url")
    assert obj["type"] in ("person", "bot")
    if obj["type"] == "person":
        assert "email" in obj["person"]
    else:
        keys(obj["bot"], "owner", "workspace_name")


def parent(obj: JSON) -> None:
    kind = obj["type"]
    assert kind in ("workspace", "page_id", "database_id", "data_source_id", "block_id"), obj
    if kind == "workspace":
        assert obj["workspace"] is True
    else:
        uuid(obj[kind])
    if kind == "data_source_id":
        uuid(obj["database_id"])


def rich_text(items: Any) -> None:
    assert isinstance(items, list)
    for item in items:
        keys(item, "type", "annotations", "plain_text", "href")
        ann = item["annotations"]
        keys(ann, "bold", "italic", "strikethrough", "underline", "code", "color")
        assert ann["color"] in COLORS
        kind = item["type"]
        assert kind in ("text", "mention", "equation")
        if kind == "text":
            keys(item["text"], "content", "link")
            assert item["text"]["content"] == item["plain_text"]
        elif kind == "equation":
            assert isinstance(item["equation"]["expression"], str)
        else:
            mention = item["mention"]
            assert mention["type"] in (
                "page",
                "database",
                "user",
                "date",
                "link_preview",
                "template_mention",
                "link_mention",
            )
            assert mention["type"] in mention


def file_object(obj: JSON, files_seen: list[str] | None = None) -> None:
    assert obj["type"] in ("file", "external"), obj
    if obj["type"] == "file":
        keys(obj["file"], "url", "expiry_time")
        timestamp(obj["file"]["expiry_time"])
        if files_seen is not None:
            files_seen.append(obj["file"]["url"])
    else:
        assert obj["external"]["url"].startswith("https://")


def icon(obj: Any, files_seen: list[str] | None = None) -> None:
    if obj is None:
        return
    if obj["type"] == "emoji":
        assert obj["emoji"]
    else:
        file_object(obj, files_seen)


BLOCK_CONTENT: dict[str, tuple[str, ...]] = {
    "paragraph": ("rich_text", "color"),
    "heading_1": ("rich_text", "color", "is_toggleable"),
    "heading_2": ("rich_text", "color", "is_toggleable"),
    "heading_3": ("rich_text", "color", "is_toggleable"),
    "bulleted_list_item": ("rich_text", "color"),
    "numbered_list_item": ("rich_text", "color"),
    "to_do": ("rich_text", "checked", "color"),
    "toggle": ("rich_text", "color"),
    "quote": ("rich_text", "color"),
    "callout": ("rich_text", "icon", "color"),
    "code": ("rich_text", "caption", "language"),
    "equation": ("expression",),
    "divider": (),
    "breadcrumb": (),
    "column_list": (),
    "column": (),
    "unsupported": (),
    "tab": (),
    "table": ("table_width", "has_column_header", "has_row_header"),
    "table_row": ("cells",),
    "synced_block": ("synced_from",),
    "child_page": ("title",),
    "child_database": ("title",),
    "link_to_page": ("type",),
    "bookmark": ("url", "caption"),
    "embed": ("url",),
    "link_preview": ("url",),
    "image": ("type", "caption"),
    "video": ("type", "caption"),
    "pdf": ("type", "caption"),
    "file": ("type", "caption", "name"),
    "audio": ("type", "caption"),
    "table_of_contents": ("color",),
    "template": ("rich_text",),
}


def block(obj: JSON, files_seen: list[str] | None = None) -> None:
    keys(
        obj,
        "object",
        "id",
        "parent",
        "created_time",
        "last_edited_time",
        "created_by",
        "last_edited_by",
        "has_children",
        "archived",
        "in_trash",
        "type",
    )
    assert obj["object"] == "block"
    uuid(obj["id"])
    parent(obj["parent"])
    timestamp(obj["created_time"])
    partial_user(obj["created_by"])
    kind = obj["type"]
    assert kind in BLOCK_CONTENT, kind
    content = obj[kind]
    keys(content, *BLOCK_CONTENT[kind])
    if "rich_text" in content:
        rich_text(content["rich_text"])
    if "caption" in content:
        rich_text(content["caption"])
    if kind in ("image", "video", "pdf", "file", "audio"):
        file_object(content, files_seen)
    if kind == "table_row":
        for cell in content["cells"]:
            rich_text(cell)
    if kind == "link_to_page":
        uuid(content[content["type"]])
    if kind == "synced_block" and content["synced_from"] is not None:
        uuid(content["synced_from"]["block_id"])
        assert obj["has_children"] is True


def _property_value(prop: JSON, files_seen: list[str] | None) -> None:
    keys(prop, "id", "type")
    kind = prop["type"]
    value = prop[kind]
    if kind in ("title", "rich_text"):
        rich_text(value)
        assert len(value) <= 25
    elif kind == "people":
        for u in value:
            user(u)
    elif kind == "relation":
        assert len(value) <= 25 and isinstance(prop["has_more"], bool)
        for r in value:
            uuid(r["id"])
    elif kind == "files":
        for f in value:
            assert f["name"]
            file_object(f, files_seen)
    elif kind == "formula":
        assert value["type"] in ("string", "number", "boolean", "date")
        assert value["type"] in value
    elif kind == "rollup":
        keys(value, "type", "function")
    elif kind == "unique_id":
        keys(value, "prefix", "number")
    elif kind in ("created_by", "last_edited_by"):
        partial_user(value)
    elif kind in ("created_time", "last_edited_time"):
        timestamp(value)
    elif kind == "verification":
        keys(value, "state", "verified_by", "date")
    elif kind == "date" and value is not None:
        keys(value, "start", "end", "time_zone")
    elif kind in ("select", "status") and value is not None:
        keys(value, "id", "name", "color")


def page(obj: JSON, files_seen: list[str] | None = None) -> None:
    keys(
        obj,
        "object",
        "id",
        "created_time",
        "last_edited_time",
        "created_by",
        "last_edited_by",
        "cover",
        "icon",
        "parent",
        "archived",
        "in_trash",
        "properties",
        "url",
        "public_url",
    )
    assert obj["object"] == "page"
    uuid(obj["id"])
    parent(obj["parent"])
    timestamp(obj["last_edited_time"])
    icon(obj["cover"], files_seen)
    icon(obj["icon"], files_seen)
    titles = [p for p in obj["properties"].values() if p["type"] == "title"]
    assert len(titles) == 1
    for prop in obj["properties"].values():
        _property_value(prop, files_seen)


def property_schema(name: str, prop: JSON) -> None:
    keys(prop, "id", "name", "type")
    assert prop["name"] == name
    assert prop["type"] in prop


def data_source(obj: JSON) -> None:
    keys(
        obj,
        "object",
        "id",
        "created_time",
        "last_edited_time",
        "created_by",
        "last_edited_by",
        "properties",
        "parent",
        "database_parent",
        "archived",
        "in_trash",
        "is_inline",
        "icon",
        "cover",
        "url",
        "public_url",
        "title",
        "description",
    )
    assert obj["object"] == "data_source"
    assert obj["parent"]["type"] == "database_id"
    parent(obj["database_parent"])
    rich_text(obj["title"])
    for name, prop in obj["properties"].items():
        property_schema(name, prop)


def database(obj: JSON) -> None:
    keys(
        obj,
        "object",
        "id",
        "title",
        "description",
        "parent",
        "is_inline",
        "in_trash",
        "created_time",
        "last_edited_time",
        "icon",
        "cover",
        "url",
        "public_url",
        "data_sources",
    )
    assert obj["object"] == "database"
    assert obj["data_sources"] and all(set(d) == {"id", "name"} for d in obj["data_sources"])


def comment(obj: JSON) -> None:
    keys(
        obj,
        "object",
        "id",
        "parent",
        "discussion_id",
        "created_time",
        "last_edited_time",
        "created_by",
        "rich_text",
    )
    assert obj["object"] == "comment"
    parent(obj["parent"])
    uuid(obj["discussion_id"])
    rich_text(obj["rich_text"])


def list_response(obj: JSON, type_: str) -> None:
    keys(obj, "object", "results", "next_cursor", "has_more", "type", type_, "request_id")
    assert obj["object"] == "list" and obj["type"] == type_
    assert (obj["next_cursor"] is None) == (not obj["has_more"])


def error(obj: JSON, status: int, code: str) -> None:
    keys(obj, "object", "status", "code", "message", "request_id")
    assert obj["object"] == "error" and obj["status"] == status and obj["code"] == code, obj
