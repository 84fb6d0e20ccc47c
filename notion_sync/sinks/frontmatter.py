"""YAML front matter without a YAML library.

Every scalar is written as a JSON string, number, boolean or null, and lists as
JSON flow sequences: JSON is a subset of YAML 1.2, so the block parses the same
in every YAML reader, and no title can inject YAML syntax (``: ``, ``#``,
``---``). The characters YAML forbids even in double quotes (DEL, C1 controls,
surrogates, U+FFFE/FFFF) and the line breaks only YAML 1.1 knows (NEL, LS, PS)
are escaped as ``\\uXXXX``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["front_matter"]

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
