"""Code blocks as fenced Markdown, the language named as GitHub (Linguist) and Hugo know it.

Notion's language names are Prism's; where GitHub's highlighter knows the language
by another name (``c++`` → ``cpp``) it gets that name, and languages no
highlighter knows (``plain text``, ``ascii art``, Notion formulas) get none, so the
block shows as plain code rather than as an unknown language.
"""

from __future__ import annotations

import re

__all__ = ["code_fence", "fence_language"]

_NAMES = {
    "plain text": "",
    "ascii art": "",
    "notion formula": "",
    "c#": "csharp",
    "c++": "cpp",
    "f#": "fsharp",
    "java/c/c++/c#": "java",
    "vb.net": "vbnet",
    "visual basic": "vbnet",
    "docker": "dockerfile",
    "llvm ir": "llvm",
    "markup": "html",
    "webassembly": "wasm",
    "assembly": "asm",
    "flow": "javascript",
}


def fence_language(language: object) -> str:
    """A Notion code language as a fence's info string: one word, no backticks."""
    if not isinstance(language, str):
        return ""
    name = " ".join(language.lower().split())
    name = _NAMES.get(name, name)
    return re.sub(r"[^a-z0-9_+#.\-]+", "-", name).strip("-")


def code_fence(code: str, language: object) -> str:
    """``code`` between backtick fences longer than any backtick run inside it."""
    fence = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", code)), default=0))
    code = code.replace("\r\n", "\n").replace("\r", "\n")
    code = code[:-1] if code.endswith("\n") else code  # the closing fence's line ends it
    return f"{fence}{fence_language(language)}\n{code}\n{fence}"
