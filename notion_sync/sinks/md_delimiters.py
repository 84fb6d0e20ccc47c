"""Inline Markdown tokens as text: delimiters where CommonMark reads them as meant, else HTML.

A ``**``, ``*`` or ``~~`` is emphasis only if CommonMark's flanking rules say the
run can open (or close) there: ``word**.**word`` is literal asterisks on GitHub.
:func:`write_line` checks every marker pair of a line against the characters its
runs end up between, and writes the pairs that would be misread as ``<strong>``,
``<em>`` or ``<del>``, which GitHub, Obsidian and Hugo (with raw HTML) all show.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from notion_sync.sinks.md_escape import escape_line_start, escape_md, md_link_target

__all__ = ["Mark", "Token", "is_space", "write_line"]

Mark = tuple[str, str]  # (kind, value): ("b", ""), ("link", href), ("color", "red")…
_DELIMITERS = {"s": "~~", "b": "**", "i": "*"}
_TAGS = {"s": "del", "b": "strong", "i": "em"}
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def is_space(ch: str) -> bool:
    """Whitespace as CommonMark's flanking rules count it."""
    return ch in " \t\n\r\f\v" or unicodedata.category(ch) == "Zs"


@dataclass
class Token:
    """A piece of a line: ``text`` (to escape), ``code``, ``equation``, ``raw`` (blanks
    between pieces), or one end of a marker pair, ``open``/``close``."""

    kind: str
    text: str = ""
    mark: Mark = ("", "")
    pair: int = -1
    start: bool = False  # text at the very start of the line


def write_line(tokens: list[Token], after: str | None, table_cell: bool) -> str:
    """A line's tokens as Markdown; ``after``: the character that follows the line."""
    return "".join(_resolve(tokens, after, table_cell))


@functools.lru_cache(maxsize=1024)
def _classes(ch: str | None) -> frozenset[str]:
    """What a neighbour of a delimiter run is to CommonMark: symbols outside ASCII are
    punctuation to some parsers (CommonMark 0.31) and not to others, so both."""
    if ch is None or is_space(ch):
        return frozenset({"space"})
    category = unicodedata.category(ch)
    if ch in _ASCII_PUNCT or category.startswith("P"):
        return frozenset({"punct"})
    return frozenset({"punct", "other"}) if category.startswith("S") else frozenset({"other"})


def _flanking(before: str | None, after: str | None) -> tuple[set[bool], set[bool]]:
    """Whether a run between these characters is left- and right-flanking, per reading."""
    lefts: set[bool] = set()
    rights: set[bool] = set()
    for b in _classes(before):
        for a in _classes(after):
            lefts.add(a != "space" and (a != "punct" or b != "other"))
            rights.add(b != "space" and (b != "punct" or a != "other"))
    return lefts, rights


def _resolve(tokens: list[Token], after: str | None, table_cell: bool) -> list[str]:
    """The line's tokens as text, each delimiter pair that would be misread written as HTML.

    A run of openers must only be able to open, a run of closers must be able to
    close and, if it could open too, pass CommonMark's rule of three against its
    opener and not be followed by an opening ``~~`` (cmark-gfm then leaves it unmatched);
    a run mixing both is never trusted. Pairs are rewritten until a pass
    over the line finds nothing more.
    """
    as_html: set[int] = set()
    shown = [_shown(tokens, i, as_html, table_cell) for i in range(len(tokens))]
    if not any(t.kind == "open" and t.mark[0] in _DELIMITERS for t in tokens):
        return shown
    where: dict[int, list[int]] = {}
    for i, token in enumerate(tokens):
        where.setdefault(token.pair, []).append(i)

    def delimiter(i: int) -> str | None:
        token = tokens[i]
        if token.kind in ("open", "close") and token.mark[0] in _DELIMITERS:
            return None if token.pair in as_html else _DELIMITERS[token.mark[0]][0]
        return None

    changed = True
    while changed:
        changed = False
        opener_length: dict[int, int] = {}
        i = 0
        while i < len(tokens):
            char = delimiter(i)
            if char is None:
                i += 1
                continue
            j = i
            while j + 1 < len(tokens) and delimiter(j + 1) == char:
                j += 1
            run = tokens[i : j + 1]
            length = sum(len(shown[k]) for k in range(i, j + 1))
            following = shown[j + 1][0] if j + 1 < len(tokens) else after
            lefts, rights = _flanking(shown[i - 1][-1] if i else None, following)
            kinds = {token.kind for token in run}
            strike_opens = (
                j + 1 < len(tokens) and delimiter(j + 1) == "~" and tokens[j + 1].kind == "open"
            )
            if kinds == {"open"}:
                ok = lefts == {True} and rights == {False}
            elif kinds == {"close"}:
                ok = rights == {True} and (
                    True not in lefts
                    or (char == "~" and length == 2)
                    or (not strike_opens and all(_rule(opener_length[t.pair], length) for t in run))
                )
            else:
                ok = False
            if not ok:
                as_html.add(run[0].pair)
                for k in where[run[0].pair]:
                    shown[k] = _shown(tokens, k, as_html, table_cell)
                changed = True
                continue
            for token in run:
                opener_length[token.pair] = length
            i = j + 1
    return shown


def _rule(opener: int, closer: int) -> bool:
    """CommonMark's rule of three: a run that can open and close matches only if the
    lengths allow it."""
    return (opener + closer) % 3 != 0 or (opener % 3 == 0 and closer % 3 == 0)


def _shown(tokens: list[Token], i: int, as_html: set[int], table_cell: bool) -> str:
    token = tokens[i]
    kind = token.kind
    if kind == "text":
        text = escape_md(token.text, line_start=False)
        text = escape_line_start(text) if token.start else text
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            text.endswith("!")
            and following
            and following.kind == "open"
            and following.mark[0] == "link"
        ):
            text = text[:-1] + "\\!"  # "![" would make the link an image
        return text
    if kind == "code":
        return _code(token.text, table_cell)
    if kind == "equation":
        return "$" + (token.text.replace("|", "\\|") if table_cell else token.text) + "$"
    if kind == "raw":
        return token.text
    name, value = token.mark
    opening = kind == "open"
    if name in _DELIMITERS:
        if token.pair not in as_html:
            return _DELIMITERS[name]
        return f"<{_TAGS[name]}>" if opening else f"</{_TAGS[name]}>"
    if name == "link":
        return "[" if opening else f"]({md_link_target(value)})"
    if name == "u":
        return "<u>" if opening else "</u>"
    if value.endswith("_background"):
        return f'<mark class="highlight-{value[:-11]}">' if opening else "</mark>"
    return f'<span style="color: {value}">' if opening else "</span>"


def _code(text: str, table_cell: bool) -> str:
    """A code span whose fence is longer than any backtick run inside it (a fence at the
    start of a line cannot open a code block: the closing fence is on the same line)."""
    if table_cell:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(r) for r in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
