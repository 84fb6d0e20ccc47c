"""Block-tree helpers shared by the Markdown and HTML renderers.

Which block types we know, how to read a block's payload and children without
trusting the wire (``None`` anywhere is fine), the headings a table of contents
lists, and GitHub-style anchors for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "KNOWN_BLOCKS",
    "OMITTED_BLOCKS",
    "Heading",
    "anchor_slugs",
    "as_map",
    "children",
    "code_language",
    "headings",
    "payload",
    "real_type",
    "rich_text_of",
    "table_grid",
    "type_name",
]

KNOWN_BLOCKS = frozenset(
    {
        "paragraph",
        "heading_1",
        "heading_2",
        "heading_3",
        "heading_4",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "code",
        "equation",
        "divider",
        "table",
        "table_row",
        "column_list",
        "column",
        "synced_block",
        "child_page",
        "child_database",
        "link_to_page",
        "bookmark",
        "embed",
        "link_preview",
        "image",
        "video",
        "pdf",
        "file",
        "audio",
        "table_of_contents",
        "breadcrumb",
        "template",
        "unsupported",
        "tab",
    }
)

Heading = tuple[int, list[Any], str]  # (level, rich_text, block id)

_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def as_map(value: object) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one (wire data is never trusted)."""
    return value if isinstance(value, Mapping) else {}


def payload(block: Mapping[str, Any]) -> Mapping[str, Any]:
    """The type-named body of a block (``block["paragraph"]``), or an empty mapping."""
    kind = block.get("type")
    body = block.get(kind) if isinstance(kind, str) else None
    return body if isinstance(body, Mapping) else {}


def real_type(block: Mapping[str, Any]) -> str:
    """What a block is: an ``unsupported`` block may name its type in ``block_type``."""
    kind = block.get("type")
    if kind == "unsupported":
        named = payload(block).get("block_type")
        if isinstance(named, str) and named:
            return named
    return kind if isinstance(kind, str) and kind else "missing"


def children(block: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The nested children the fetcher attached (the document's ``children`` key)."""
    kids = block.get("children")
    return [k for k in kids if isinstance(k, Mapping)] if isinstance(kids, list) else []


def rich_text_of(block: Mapping[str, Any]) -> list[Any]:
    """Whatever text a block carries, for known and unknown types alike."""
    body = payload(block)
    for key in ("rich_text", "text", "title", "caption"):
        value = body.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, str) and value:
            return [{"type": "text", "text": {"content": value}, "plain_text": value}]
    return []


def table_grid(block: Mapping[str, Any]) -> tuple[list[list[list[Any]]], int]:
    """A table block's rows of cells (each a rich-text list) and its column count."""
    grid = [payload(r).get("cells") for r in children(block) if r.get("type") == "table_row"]
    rows = [
        [c if isinstance(c, list) else [] for c in r] if isinstance(r, list) else [] for r in grid
    ]
    width = payload(block).get("table_width")
    return rows, max([width if isinstance(width, int) else 0] + [len(r) for r in rows])


def headings(blocks: list[Mapping[str, Any]]) -> Iterator[Heading]:
    """Every heading of a tree in document order (what a table of contents lists)."""
    for block in blocks:
        kind = block.get("type")
        if isinstance(kind, str) and re.fullmatch(r"heading_[1-4]", kind):
            text = payload(block).get("rich_text")
            yield int(kind[-1]), text if isinstance(text, list) else [], str(block.get("id") or "")
        if kind not in ("child_page", "child_database"):
            yield from headings(children(block))


def anchor_slugs(texts: list[str]) -> list[str]:
    """GitHub's heading anchors for these heading texts, in order (duplicates get -1, -2…)."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for text in texts:
        base = _SLUG_DROP.sub("", unicodedata.normalize("NFC", text).lower()).replace(" ", "-")
        n = seen.get(base, 0)
        out.append(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return out


_LANGUAGES = {
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


def code_language(language: object) -> str:
    """A Notion code language as GitHub (Linguist), Hugo and HTML's ``language-*`` name it.

    Notion's names are Prism's; where highlighters know the language by another name
    (``c++`` → ``cpp``) it gets that name, and languages none knows (``plain text``,
    ``ascii art``, Notion formulas) get none, so the block shows as plain code rather
    than as an unknown language. One word, no backticks: it is a fence's info string.
    """
    if not isinstance(language, str):
        return ""
    name = " ".join(language.lower().split())
    name = _LANGUAGES.get(name, name)
    return re.sub(r"[^a-z0-9_+#.\-]+", "-", name).strip("-")


#: Block types Notion's own exports leave out: they do something, they show nothing.
OMITTED_BLOCKS = frozenset({"button"})
_TYPE_NAMES = {
    "ai_block": "AI block",
    "meeting_notes": "AI meeting notes",
    "transcription": "Transcription",
    "unsupported": "Unsupported block",
}


def type_name(kind: str) -> str:
    """A block type as people call it (``ai_block`` → "AI block")."""
    name = _TYPE_NAMES.get(kind, kind.replace("_", " "))
    return name[:1].upper() + name[1:]
