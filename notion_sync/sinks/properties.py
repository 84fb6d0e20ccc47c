"""Page property values as data (front matter) and as text (CSV, tables).

:func:`property_data` gives a JSON/YAML-friendly value (numbers stay numbers,
dates stay ISO, multi-values stay lists); :func:`property_text` gives the text
Notion's CSV export shows (``Yes``/``No``, ``January 5, 2024``, names joined by
``", "``, numbers in the column's display format). A number shows the same in
every place: a row page reads its column's format from the context
(:attr:`~notion_sync.sinks.context.RenderContext.number_formats`), and front matter
keeps a number a number only where Notion shows it plain. A page object lists at most
25 references per property; :func:`complete` swaps in the full list the fetcher
read from the property-item endpoint. Unknown types keep whatever text they
carry and are counted; nothing here raises on nulls or odd shapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

from notion_sync.sinks.blocks import as_map
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.dates import format_date_value
from notion_sync.sinks.layout import notion_url
from notion_sync.sinks.numbers import PLAIN_FORMATS, format_number
from notion_sync.sinks.richtext import plain_text

__all__ = ["Value", "complete", "ordered_schema", "property_data", "property_text"]

Value = str | int | float | bool | None | list[str]

_LISTED = {"title": "title", "rich_text": "rich_text", "relation": "relation", "people": "people"}


def complete(prop: Mapping[str, Any], items: object) -> Mapping[str, Any]:
    """``prop`` with its truncated list replaced by the paginated property items."""
    if isinstance(items, Mapping):
        items = items.get("results")
    kind = prop.get("type")
    if not isinstance(items, Sequence) or kind not in _LISTED:
        return prop
    values = [it.get(kind) for it in items if isinstance(it, Mapping) and it.get(kind) is not None]
    return {**prop, kind: values, "has_more": False}


def ordered_schema(schema: Mapping[str, Any] | None) -> list[tuple[str, Mapping[str, Any]]]:
    """A data source's properties in served order, with the title column first."""
    props = [(n, p) for n, p in (schema or {}).items() if isinstance(p, Mapping)]
    return [x for x in props if x[1].get("type") == "title"] + [
        x for x in props if x[1].get("type") != "title"
    ]


def _names(values: object, key: str = "name") -> list[str]:
    return (
        [str(v.get(key) or "") for v in values or [] if isinstance(v, Mapping)]
        if isinstance(values, list)
        else []
    )


def _iso_date(value: object) -> str | None:
    if not isinstance(value, Mapping) or not value.get("start"):
        return None
    start, end = str(value["start"]), value.get("end")
    return f"{start}/{end}" if end else start


def _files(values: object, ctx: RenderContext) -> list[str]:
    """Downloaded files as relative paths, external ones as URLs.

    A Notion-hosted file that was not placed beside this document (for instance
    in a data source's CSV: rows' files live beside the row pages) shows its
    name, as Notion's CSV does: its URL expires within the hour.
    """
    out: list[str] = []
    for f in values if isinstance(values, list) else []:
        if not isinstance(f, Mapping):
            continue
        url = as_map(f.get("file")).get("url")
        if f.get("type") == "file" and url not in ctx.files:
            out.append(str(f.get("name") or "file"))
        else:
            out.append(ctx.file_object_href(f) or str(f.get("name") or ""))
    return out


def _relation(values: object, ctx: RenderContext) -> list[str]:
    out: list[str] = []
    for rel in values if isinstance(values, list) else []:
        rid = rel.get("id") if isinstance(rel, Mapping) else None
        if isinstance(rid, str):
            out.append(ctx.title_of(rid) or notion_url(rid))
    return out


def _people(values: object, ctx: RenderContext) -> list[str]:
    return (
        [ctx.user_name(u) for u in values if isinstance(u, Mapping)]
        if isinstance(values, list)
        else []
    )


def _verification(value: object, ctx: RenderContext) -> str:
    if not isinstance(value, Mapping):
        return ""
    state = str(value.get("state") or "").replace("_", " ").capitalize()
    who = ctx.user_name(value.get("verified_by")) if value.get("verified_by") else ""
    return f"{state} by {who}" if state and who else state


def _place(value: object) -> str:
    if not isinstance(value, Mapping):
        return ""
    for key in ("name", "address"):
        if value.get(key):
            return str(value[key])
    lat, lon = value.get("lat"), value.get("lon")
    return f"{lat}, {lon}" if lat is not None and lon is not None else ""


def _unknown(kind: str, value: object) -> Value:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        for key in ("name", "plain_text", "string", "url", "id"):
            if isinstance(value.get(key), str):
                return str(value[key])
        return None
    if isinstance(value, list):
        texts = [
            str(v.get("plain_text") or v.get("name") or "") if isinstance(v, Mapping) else str(v)
            for v in value
        ]
        return [t for t in texts if t]
    return str(value)


def _typed(kind: str, value: Any, ctx: RenderContext, *, iso: bool) -> Value:
    """The value of one typed payload (shared by properties, formulas and rollup arrays)."""
    if kind in ("title", "rich_text"):
        return plain_text(value)
    if kind in ("number", "checkbox", "url", "email", "phone_number", "string", "boolean"):
        return value if value is None or isinstance(value, str | int | float | bool) else str(value)
    if kind in ("select", "status"):
        return str(value.get("name") or "") if isinstance(value, Mapping) else None
    if kind == "multi_select":
        return _names(value)
    if kind == "date":
        return _iso_date(value) if iso else format_date_value(value)
    if kind in ("created_time", "last_edited_time"):
        return value if iso or not isinstance(value, str) else format_date_value({"start": value})
    if kind == "people":
        return _people(value, ctx)
    if kind in ("created_by", "last_edited_by"):
        return ctx.user_name(value) if isinstance(value, Mapping) else None
    if kind == "files":
        return _files(value, ctx)
    if kind == "relation":
        return _relation(value, ctx)
    if kind == "formula":
        return _nested(value, ctx, iso=iso)
    if kind == "rollup":
        return _rollup(value, ctx, iso=iso)
    if kind == "unique_id":
        if not isinstance(value, Mapping) or value.get("number") is None:
            return None
        number = str(value["number"])
        return f"{value['prefix']}-{number}" if value.get("prefix") else number
    if kind == "verification":
        return _verification(value, ctx)
    if kind == "place":
        return _place(value)
    if kind == "button":
        return None
    ctx.note(f"property:{kind}")
    return _unknown(kind, value)


def _nested(value: object, ctx: RenderContext, *, iso: bool) -> Value:
    """A formula result (or rollup element): ``{"type": t, t: payload}``."""
    if not isinstance(value, Mapping) or not isinstance(value.get("type"), str):
        return None
    return _typed(value["type"], value.get(value["type"]), ctx, iso=iso)


def _rollup(value: object, ctx: RenderContext, *, iso: bool) -> Value:
    if not isinstance(value, Mapping):
        return None
    kind = value.get("type")
    if kind == "array":
        out: list[str] = []
        for element in value.get("array") or []:
            got = _nested(element, ctx, iso=iso)
            if isinstance(got, list):
                out.extend(got)
            elif got is not None and got != "":
                out.append(_as_text(got))
        return out
    if kind in ("incomplete", "unsupported"):
        return None
    return _nested(value, ctx, iso=iso) if isinstance(kind, str) else None


def _number(
    prop: Mapping[str, Any], ctx: RenderContext, config: Mapping[str, Any] | None
) -> tuple[int | float, str | None] | None:
    """A number value and the format Notion shows it in; None for anything else.

    A number property follows its column's ``number.format`` (the schema entry when
    given, else the row page's context). The API gives formulas and rollups no format:
    Notion shows their numbers plain, except a rollup's ``percent_*`` functions, whose
    fraction it shows as a percentage.
    """
    kind, value = prop.get("type"), prop.get(prop.get("type") or "")
    if kind == "number" and _real(value):
        fmt = as_map(as_map(config).get("number")).get("format")
        if not isinstance(fmt, str):
            fmt = ctx.number_formats.get(str(prop.get("id")))
        return value, fmt
    rollup = as_map(value) if kind == "rollup" else {}
    function = rollup.get("function")
    if (
        isinstance(function, str)
        and function.startswith("percent_")
        and _real(rollup.get("number"))
    ):
        return rollup["number"], "percent"
    return None


def _real(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def property_data(prop: Mapping[str, Any] | None, ctx: RenderContext) -> Value:
    """A property value for front matter: typed, ISO dates, lists as lists, and numbers as
    numbers unless Notion shows them formatted (``$1,234.50``, ``12.5%``): then the text
    it shows, which is what a reader of the page expects to see there."""
    if not isinstance(prop, Mapping) or not isinstance(prop.get("type"), str):
        return None
    number = _number(prop, ctx, None)
    if number is not None and (number[1] or "") not in PLAIN_FORMATS:
        return format_number(*number)
    return _typed(prop["type"], prop.get(prop["type"]), ctx, iso=True)


def _as_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, int | float):
        return format_number(value, None)
    return value


def property_text(
    prop: Mapping[str, Any] | None, ctx: RenderContext, config: Mapping[str, Any] | None = None
) -> str:
    """A property value as Notion's CSV shows it; ``config`` is the schema entry (number format)."""
    if not isinstance(prop, Mapping) or not isinstance(prop.get("type"), str):
        return ""
    number = _number(prop, ctx, config)
    if number is not None:
        return format_number(*number)
    return _as_text(_typed(prop["type"], prop.get(prop["type"]), ctx, iso=False))
