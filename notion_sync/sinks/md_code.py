"""Code blocks as fenced Markdown, the language named as GitHub (Linguist) and Hugo know it
(:func:`notion_sync.sinks.blocks.code_language`)."""

from __future__ import annotations

import re

from notion_sync.sinks.blocks import code_language

__all__ = ["code_fence"]


def code_fence(code: str, language: object) -> str:
    """``code`` between backtick fences longer than any backtick run inside it."""
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", code)), default=0))
    code = code.replace("\r\n", "\n").replace("\r", "\n")
    code = code[:-1] if code.endswith("\n") else code  # the closing fence's line ends it
    return f"{fence}{code_language(language)}\n{code}\n{fence}"
