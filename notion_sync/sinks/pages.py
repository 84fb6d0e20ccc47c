"""Page- and data-source-level facts every format shows the same way.

The title, icon, the property list (completed from ``property_items`` where a
page object truncated it at 25 references) and the rows of a data source with
their completed properties, read defensively from the stored document.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.layout import notion_url
from notion_sync.sinks.properties import complete, ordered_schema
from notion_sync.store.document import data_source_title

__all__ = [
    "Icon",
    "data_source_schema",
    "icon",
    "page_properties",
    "page_title_rich_text",
    "rows",
    "source_description",
    "source_title_rich_text",
    "url_of",
]

Icon = tuple[str, str]  # ("emoji", "💡") or ("image", href)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def page_title_rich_text(page: Mapping[str, Any]) -> list[Any]:
    """The rich text of a page's title property (empty when absent)."""
    for prop in _mapping(page.get("properties")).values():
        if isinstance(prop, Mapping) and prop.get("type") == "title":
            title = prop.get("title")
            return title if isinstance(title, list) else []
    return []


def page_properties(page: Mapping[str, Any], items: object) -> list[tuple[str, Mapping[str, Any]]]:
    """A page's properties in served order (title first), truncated lists completed.

    :param items: the document's ``property_items`` for this page
        (property id → list of property items).
    """
    extra = _mapping(items)
    out: list[tuple[str, Mapping[str, Any]]] = []
    for name, prop in ordered_schema(_mapping(page.get("properties"))):
        pid = prop.get("id")
        if isinstance(pid, str) and pid in extra:
            prop = complete(prop, extra[pid])
        out.append((str(name), prop))
    return out


def icon(obj: Mapping[str, Any], ctx: RenderContext) -> Icon | None:
    """A page's or data source's icon: an emoji, or a link to the image."""
    value = _mapping(obj.get("icon"))
    kind = value.get("type")
    if kind == "emoji" and isinstance(value.get("emoji"), str):
        return "emoji", str(value["emoji"])
    if kind == "custom_emoji":
        body = _mapping(value.get("custom_emoji"))
        href = ctx.file_href(body.get("url"))
        return ("image", href) if href else ("emoji", f":{body.get('name') or 'emoji'}:")
    if kind == "icon":  # Notion's built-in icon set: name + colour, no image to link
        body = _mapping(value.get("icon"))
        return "emoji", f":{body.get('name') or 'icon'}:"
    href = ctx.file_object_href(value)
    return ("image", href) if href else None


def url_of(obj: Mapping[str, Any]) -> str:
    """The object's Notion URL as served, else built from its id."""
    url = obj.get("url")
    return url if isinstance(url, str) and url else notion_url(str(obj.get("id") or ""))


def source_title_rich_text(doc: Mapping[str, Any]) -> list[Any]:
    """A data source document's name (see :func:`~notion_sync.store.document.data_source_title`)."""
    return data_source_title(_mapping(doc.get("data_source")), _mapping(doc.get("database")))


def source_description(source: Mapping[str, Any]) -> list[Any]:
    text = source.get("description")
    return text if isinstance(text, list) else []


def data_source_schema(doc: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Column order of a data source: served schema order, title first."""
    return ordered_schema(_mapping(_mapping(doc.get("data_source")).get("properties")))


Row = tuple[Mapping[str, Any], dict[str, Mapping[str, Any]]]


def rows(doc: Mapping[str, Any]) -> Iterator[Row]:
    """Each row page with its properties by name, truncated lists completed."""
    all_items = _mapping(doc.get("property_items"))
    title_column = next((n for n, p in data_source_schema(doc) if p.get("type") == "title"), None)
    for row in doc.get("rows") or []:
        if not isinstance(row, Mapping):
            continue
        values = dict(page_properties(row, all_items.get(str(row.get("id")))))
        if title_column is not None and title_column not in values:
            # A row whose title property is keyed differently from the schema (renamed
            # between the query and the schema read): the title is still the title.
            title = next((p for p in values.values() if p.get("type") == "title"), None)
            if title is not None:
                values[title_column] = title
        yield row, values
