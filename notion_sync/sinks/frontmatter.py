"""YAML front matter without a YAML library, and where a page's properties go in it.

Every scalar is written as a JSON string, number, boolean or null, and lists as
JSON flow sequences: JSON is a subset of YAML 1.2, so the block parses the same
in every YAML reader, and no title can inject YAML syntax (``: ``, ``#``,
``---``). The characters YAML forbids even in double quotes (DEL, C1 controls,
surrogates, U+FFFE/FFFF) and the line breaks only YAML 1.1 knows (NEL, LS, PS)
are escaped as ``\\uXXXX``.

Properties are top-level keys (``flat``, what Obsidian's properties view, Hugo's
``.Params`` and Jekyll's ``page.<name>`` read) or a ``properties:`` mapping
(``nested``). Flat keys never shadow ours (:data:`FIXED_KEYS`): a property whose
name equals one of them, or an earlier property's, ignoring case (Hugo lowercases
keys), becomes ``"<name> (property)"``, then ``"<name> (property 2)"``…, in
the page's property order, so every row of a database gets the same keys.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["FIXED_KEYS", "front_matter", "with_properties"]

#: The keys we write ourselves, in this order, before any property.
FIXED_KEYS = (
    "title",
    "date",
    "lastmod",
    "id",
    "url",
    "created_time",
    "last_edited_time",
    "created_by",
    "last_edited_by",
    "icon",
    "in_trash",
)

# Also NEL, LS and PS: YAML 1.1 readers (PyYAML) fold them as line breaks.
_NOT_YAML_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _scalar(value: Any) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return _NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def front_matter(fields: Mapping[str, Any]) -> str:
    """``---``-delimited front matter; nested mappings become indented blocks."""
    lines = ["---"]

    def emit(mapping: Mapping[str, Any], indent: str) -> None:
        for key, value in mapping.items():
            if isinstance(value, Mapping):
                lines.append(f"{indent}{_scalar(str(key))}:" + ("" if value else " {}"))
                emit(value, indent + "  ")
            else:
                lines.append(f"{indent}{_scalar(str(key))}: {_scalar(value)}")

    emit(fields, "")
    lines.append("---")
    return "\n".join(lines) + "\n"


def with_properties(
    fields: Mapping[str, Any], properties: list[tuple[str, Any]], *, flat: bool
) -> dict[str, Any]:
    """``fields`` followed by the properties, as top-level keys or under ``properties``."""
    out = dict(fields)
    if not flat:
        out["properties"] = dict(properties)
        return out
    taken = {key.casefold() for key in FIXED_KEYS}
    for name, value in properties:
        key, n = name, 1
        while key.casefold() in taken:
            key = f"{name} (property)" if n == 1 else f"{name} (property {n})"
            n += 1
        taken.add(key.casefold())
        out[key] = value
    return out
