"""Plain text made safe for CommonMark/GFM, escaping only what would be read as syntax.

A character is escaped where it could start or end a construct, so ordinary prose
stays readable in the source (``0.0``, ``notion_to_md``, ``R&D``, ``a > b``):

- always: ``\\`` before punctuation or at the end, `````, ``*``, ``~``, ``[``, ``]``,
  ``|`` (tables) and ``$`` (GitHub's math);
- ``_`` unless both neighbours are letters or digits (intraword ``_`` never
  emphasises in CommonMark);
- ``&`` only where it would start an entity, ``<`` only before what could start a
  tag or an autolink (``!`` before a link is the inline renderer's to escape);
- at the start of a line: heading ``#``, quote ``>``, list markers followed by a
  space, and lines of only ``-`` or ``=`` (setext underlines, thematic breaks).

The edges of a piece count as unknown neighbours: the renderer puts markers there.
"""

from __future__ import annotations

import re

__all__ = ["escape_line_start", "escape_md", "md_link_target"]

#: What may need a backslash: the characters that always do, a backslash before
#: punctuation or at the end, runs of "_", "&" starting an entity, "<" starting a tag.
_SPECIAL = re.compile(
    r"[`*~\[\]|$]|\\(?=[!-/:-@\[-`{-~\n]|\Z)|_+"
    r"|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)|<(?=[A-Za-z/!?])"
)
_BLOCK_START = re.compile(
    r"^(?P<lead>[ \t]*)(?:(?P<mark>#{1,6}|[-+])(?=[ \t]|$)|(?P<digits>[0-9]{1,9})[.)](?=[ \t]|$)"
    r"|(?P<quote>>)|(?P<rule>[-=])[-= \t]*$)"
)


def _escape(found: re.Match[str]) -> str:
    run = found.group()
    if run[0] != "_":
        return "\\" + run
    text, start, end = found.string, found.start(), found.end()
    if start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum():
        return run  # intraword "_" never emphasises
    return "\\_" * len(run)


def escape_line_start(line: str) -> str:
    """Escape the block marker an (already escaped) line would start with, if any."""
    found = _BLOCK_START.match(line)
    if found is None:
        return line
    at = len(found["lead"])
    if found["digits"]:
        at += len(found["digits"])
    return line[:at] + "\\" + line[at:]


def escape_md(text: str, *, line_start: bool = True) -> str:
    """Escape Markdown syntax in plain text; ``line_start``: the text begins a line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # CommonMark's line endings
    escaped = _SPECIAL.sub(_escape, text)
    lines = escaped.split("\n")
    return "\n".join(
        escape_line_start(line) if i or line_start else line for i, line in enumerate(lines)
    )


def md_link_target(href: str) -> str:
    """A link destination CommonMark accepts whatever the URL contains."""
    return re.sub(r"[\s()<>\\]", lambda m: f"%{ord(m.group()):02X}", href)
