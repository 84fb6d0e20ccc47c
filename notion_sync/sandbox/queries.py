"""The subset of data source query filters and sorts the sandbox understands.

Supported filters: property conditions on title, rich_text, url, email, phone_number,
number, checkbox, select, status, multi_select, date, unique_id, created_time and
last_edited_time properties; timestamp filters; nested ``and`` / ``or``. Anything else is
a 400 ``validation_error``, like a malformed filter in Notion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import validation_error
from .richtext import plain_text

__all__ = ["compile_filter", "sort_rows"]

JSON = dict[str, Any]
Row = tuple[dict[str, JSON], dict[str, str]]  # (values by name, {"created_time", ...})
Predicate = Callable[[Row], bool]

TEXT_TYPES = ("title", "rich_text", "url", "email", "phone_number")


def _scalar(prop: JSON) -> Any:
    """A comparable value of a property (text, number, name, date start, ...)."""
    type_ = prop["type"]
    value = prop.get(type_)
    if type_ in ("title", "rich_text"):
        return plain_text(value or [])
    if type_ in ("select", "status"):
        return value["name"] if value else None
    if type_ == "multi_select":
        return [o["name"] for o in value or []]
    if type_ == "date":
        return value["start"] if value else None
    if type_ == "unique_id":
        return value["number"] if value else None
    return value


def _lookup(row: Row, key: str) -> JSON:
    values = row[0]
    if key in values:
        return values[key]
    for prop in values.values():
        if prop["id"] == key:
            return prop
    raise validation_error(f"Could not find property with name or id: {key}")


def _text_cond(op: str, arg: Any) -> Callable[[Any], bool]:
    ops: dict[str, Callable[[Any], bool]] = {
        "equals": lambda v: v == arg,
        "does_not_equal": lambda v: v != arg,
        "contains": lambda v: v is not None and str(arg).lower() in str(v).lower(),
        "does_not_contain": lambda v: v is None or str(arg).lower() not in str(v).lower(),
        "starts_with": lambda v: v is not None and str(v).startswith(str(arg)),
        "ends_with": lambda v: v is not None and str(v).endswith(str(arg)),
        "is_empty": lambda v: v in (None, "", []),
        "is_not_empty": lambda v: v not in (None, "", []),
        "greater_than": lambda v: v is not None and v > arg,
        "less_than": lambda v: v is not None and v < arg,
        "greater_than_or_equal_to": lambda v: v is not None and v >= arg,
        "less_than_or_equal_to": lambda v: v is not None and v <= arg,
        "before": lambda v: v is not None and str(v)[: len(str(arg))] < str(arg),
        "after": lambda v: v is not None and str(v)[: len(str(arg))] > str(arg),
        "on_or_before": lambda v: v is not None and str(v)[: len(str(arg))] <= str(arg),
        "on_or_after": lambda v: v is not None and str(v)[: len(str(arg))] >= str(arg),
    }
    if op not in ops:
        raise validation_error(f"body failed validation: unsupported filter condition `{op}`.")
    return ops[op]


def compile_filter(spec: Any) -> Predicate:
    """Turn a Notion filter object into a predicate over rows."""
    if not isinstance(spec, dict):
        raise validation_error("body failed validation: body.filter should be an object.")
    for compound in ("and", "or"):
        if compound in spec:
            parts = spec[compound]
            if not isinstance(parts, list):
                raise validation_error(
                    f"body failed validation: body.filter.{compound} should be an array."
                )
            preds = [compile_filter(p) for p in parts]
            if compound == "and":
                return lambda row: all(p(row) for p in preds)
            return lambda row: any(p(row) for p in preds)
    if "timestamp" in spec:
        ts = spec["timestamp"]
        if ts not in ("created_time", "last_edited_time") or not isinstance(spec.get(ts), dict):
            raise validation_error("body failed validation: invalid timestamp filter.")
        ((op, arg),) = spec[ts].items()
        cond = _text_cond(op, arg)
        return lambda row: cond(row[1][ts])
    if "property" not in spec:
        raise validation_error(
            "body failed validation: body.filter should define `property`, "
            "`timestamp`, `and` or `or`."
        )
    key = spec["property"]
    kinds = [k for k in spec if k != "property"]
    if len(kinds) != 1 or not isinstance(spec[kinds[0]], dict) or len(spec[kinds[0]]) != 1:
        raise validation_error(
            "body failed validation: a property filter needs exactly one type and one condition."
        )
    type_ = kinds[0]
    ((op, arg),) = spec[type_].items()
    if type_ == "multi_select" and op in ("contains", "does_not_contain"):

        def multi(row: Row) -> bool:
            names = _scalar(_lookup(row, key)) or []
            return bool((arg in names) == (op == "contains"))

        return multi
    if type_ not in (
        *TEXT_TYPES,
        "number",
        "checkbox",
        "select",
        "status",
        "multi_select",
        "date",
        "unique_id",
        "created_time",
        "last_edited_time",
    ):
        raise validation_error(
            f"body failed validation: filtering on `{type_}` properties is "
            "not supported by the sandbox."
        )
    cond = _text_cond(op, arg)
    return lambda row: cond(_scalar(_lookup(row, key)))


def _sort_value(row: Row, spec: JSON) -> Any:
    """The sort key of a row under one sort spec (None sorts last either way)."""
    if "timestamp" in spec:
        return row[1][spec["timestamp"]]
    value = _scalar(_lookup(row, spec["property"]))
    return ",".join(value) if isinstance(value, list) else value


def sort_rows(rows: list[Any], sorts: Any, row_of: Callable[[Any], Row]) -> list[Any]:
    """Sort ``rows`` by Notion ``sorts`` (property or timestamp, ascending/descending)."""
    if not isinstance(sorts, list):
        raise validation_error("body failed validation: body.sorts should be an array.")
    out = list(rows)
    for spec in reversed(sorts):
        if not isinstance(spec, dict):
            raise validation_error("body failed validation: each sort should be an object.")
        direction = spec.get("direction", "ascending")
        if direction not in ("ascending", "descending"):
            raise validation_error(
                "body failed validation: sort direction should be `ascending` or `descending`."
            )
        if "timestamp" in spec:
            if spec["timestamp"] not in ("created_time", "last_edited_time"):
                raise validation_error("body failed validation: invalid sort timestamp.")
        elif "property" not in spec:
            raise validation_error(
                "body failed validation: a sort needs `property` or `timestamp`."
            )
        keyed = [(_sort_value(row_of(r), spec), r) for r in out]
        nones = [r for value, r in keyed if value is None]
        rest = [(value, r) for value, r in keyed if value is not None]
        rest.sort(key=lambda pair: pair[0], reverse=direction == "descending")
        out = [r for _, r in rest] + nones
    return out
