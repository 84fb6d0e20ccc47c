"""Code blocks highlighted at write time with Pygments, as Notion's own export does.

The HTML carries CSS classes only (Pygments' short token names, styled in
``notion.css``), never inline styles, so a reader's stylesheet can restyle it.
Notion's language names map to Pygments lexers; a name Pygments does not know
(``mermaid``, ``notion formula``…) is shown as plain escaped text. The text is
kept exactly, no newline stripped or added, except that Pygments reads ``\r\n``
as ``\n``.
"""

from __future__ import annotations

from functools import lru_cache

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from notion_sync.sinks.html_inline import text

__all__ = ["highlight_code"]

#: Notion's language names (its API reference's list) that Pygments spells otherwise.
_LEXERS = {
    "assembly": "nasm",
    "flow": "javascript",
    "java/c/c++/c#": "java",
    "llvm ir": "llvm",
    "markup": "html",
    "visual basic": "vbnet",
    "webassembly": "wast",
}
#: Names Pygments would match to something else than Notion means.
_PLAIN = frozenset({"plain text", "ascii art", "notion formula", "mermaid", "abc"})
_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=128)
def _lexer(language: str) -> Lexer | None:
    name = language.strip().lower()
    if not name or name in _PLAIN:
        return None
    try:
        return get_lexer_by_name(
            _LEXERS.get(name, name), stripnl=False, ensurenl=False, startinline=True
        )
    except ClassNotFound:
        return None


def highlight_code(code: str, language: object) -> str:
    """``code`` as HTML for inside ``<pre><code>``: token spans, or escaped text."""
    lexer = _lexer(language) if isinstance(language, str) else None
    if lexer is None or not code:
        return text(code)
    out = highlight(code, lexer, _FORMATTER)
    # The formatter ends every line, the last one too.
    return out[:-1] if out.endswith("\n") and not code.endswith("\n") else out
