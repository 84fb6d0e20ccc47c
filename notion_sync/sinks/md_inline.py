"""Rich-text spans as GitHub-flavoured Markdown.

Notion gives a paragraph as runs of text, each with its own annotations; emitting
markers run by run gives ``~~**a**~~~~**.**~~``, which no parser reads as meant.
So the runs become one nested structure first:

- neighbouring runs with the same annotations and link are merged;
- a line is a sequence of non-blank pieces; markers open and close only at a
  piece's edges, never around blank text, and the whitespace between pieces stays
  outside any marker that changes there;
- markers stay open across pieces that share them, opened longest-lived first, so
  ``~~***styles*.**~~`` rather than two struck runs side by side;
- every marker is closed before a line break and reopened after it;
- a ``**``, ``*`` or ``~~`` that CommonMark's flanking rules would not read as
  meant (``word**.**word``) is written as ``<strong>``, ``<em>`` or ``<del>``
  (:mod:`notion_sync.sinks.md_delimiters`).

Underline and colours use the inline HTML GitHub allows; text is escaped by
:mod:`notion_sync.sinks.md_escape`, only where it would otherwise be syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from notion_sync.sinks.html_inline import render_spans_html
from notion_sync.sinks.md_delimiters import Mark, Token, is_space, write_line
from notion_sync.sinks.md_escape import escape_md, md_link_target
from notion_sync.sinks.richtext import Span

__all__ = ["escape_md", "inline_html", "md_link_target", "render_spans_md"]

#: Which of several markers opening at one place goes outside, when they last as long.
_NESTING = {"link": 0, "color": 1, "u": 2, "s": 3, "b": 4, "i": 5}
#: What CommonMark ends a line at: each becomes a break (or a space) of ours.
_LINE_ENDING = re.compile(r"\r\n?|\n")


def inline_html(spans: list[Span]) -> str:
    """Spans as inline HTML on one line, for the HTML blocks of our Markdown (toggle
    summaries, tables without a header), where a blank line would end the block."""
    return render_spans_html(
        [
            replace(s, text=" ".join(s.text.split()))
            if s.kind == "equation"
            else replace(s, text=_LINE_ENDING.sub("\n", s.text))
            for s in spans
        ]
    )


@dataclass(frozen=True)
class _Run:
    """Text of one style within one line; ``kind`` is ``text``, ``code`` or ``equation``."""

    text: str
    marks: frozenset[Mark]
    kind: str = "text"


@dataclass
class _Piece:
    """A run's text without its outer whitespace, and the whitespace before it."""

    run: _Run
    gap: str = ""
    gap_marks: frozenset[Mark] | None = None  # None: no whitespace between it and the last


def _marks(span: Span) -> frozenset[Mark]:
    marks: set[Mark] = {(k, "") for k, on in _flags(span) if on}
    if span.href is not None:
        marks.add(("link", span.href))
    if span.color != "default":
        marks.add(("color", span.color))
    return frozenset(marks)


def _flags(span: Span) -> Iterator[tuple[str, bool]]:
    yield from (("b", span.bold), ("i", span.italic), ("s", span.strikethrough))
    yield "u", span.underline


def _lines(spans: list[Span], breaks: bool) -> list[list[_Run]]:
    """Spans as lines of merged runs (equations never merge: each is one ``$…$``)."""
    lines: list[list[_Run]] = [[]]
    for span in spans:
        marks = _marks(span)
        if span.kind == "equation":
            tex = " ".join(span.text.split())
            if tex:
                lines[-1].append(_Run(tex, marks, "equation"))
            continue
        kind = "code" if span.code else "text"
        text = _LINE_ENDING.sub("\n" if breaks else " ", span.text)
        for n, part in enumerate(text.split("\n")):
            if n:
                lines.append([])
            line = lines[-1]
            if line and line[-1].marks == marks and line[-1].kind == kind:
                line[-1] = _Run(line[-1].text + part, marks, kind)
            elif part:
                line.append(_Run(part, marks, kind))
    return lines


def _pieces(runs: list[_Run]) -> list[_Piece]:
    """A line's non-blank pieces; whitespace before the first and after the last is dropped."""
    pieces: list[_Piece] = []
    gap, gap_marks = "", None
    for run in runs:
        text = run.text
        start = 0
        while start < len(text) and is_space(text[start]):
            start += 1
        end = len(text)
        while end > start and is_space(text[end - 1]):
            end -= 1
        if start:
            gap += text[:start]
            gap_marks = run.marks if gap_marks is None else gap_marks & run.marks
        if start == end:
            continue
        core = _Run(text[start:end], run.marks, run.kind)
        pieces.append(_Piece(core, gap if pieces else "", gap_marks))
        gap, gap_marks = text[end:], run.marks if end < len(text) else None
    return pieces


def _lifetime(mark: Mark, pieces: list[_Piece], at: int) -> int:
    """How many pieces from ``at`` on a marker opened there would stay open for."""
    count = 0
    for n in range(at, len(pieces)):
        gap_marks = pieces[n].gap_marks
        if mark not in pieces[n].run.marks:
            break
        if n > at and gap_marks is not None and mark not in gap_marks:
            break
        count += 1
    return count


def _tokens(pieces: list[_Piece], at_line_start: bool) -> list[Token]:
    """The nested markers and texts of one line (before choosing delimiter or HTML)."""
    tokens: list[Token] = []
    stack: list[tuple[Mark, int]] = []
    pairs = 0
    for n, piece in enumerate(pieces):
        want = piece.run.marks
        keep = want if piece.gap_marks is None else want & piece.gap_marks
        kept = 0
        while kept < len(stack) and stack[kept][0] in keep:
            kept += 1
        while len(stack) > kept:
            mark, pair = stack.pop()
            tokens.append(Token("close", mark=mark, pair=pair))
        if piece.gap:
            tokens.append(Token("raw", piece.gap))
        held = {mark for mark, _ in stack}
        for mark in sorted(
            want - held, key=lambda m: (-_lifetime(m, pieces, n), _NESTING[m[0]], m[1])
        ):
            tokens.append(Token("open", mark=mark, pair=pairs))
            stack.append((mark, pairs))
            pairs += 1
        start = at_line_start and not tokens
        tokens.append(Token(piece.run.kind, piece.run.text, start=start))
    while stack:
        mark, pair = stack.pop()
        tokens.append(Token("close", mark=mark, pair=pair))
    return tokens


def render_spans_md(
    spans: list[Span],
    *,
    newline: str = "\\\n",
    line_start: bool = True,
    table_cell: bool = False,
) -> str:
    """Spans as inline Markdown; a line break inside a block becomes ``newline``.

    :param newline: what a ``\\n`` in the text becomes: a hard break (default),
        ``<br>`` inside table cells, a space where breaks are impossible.
    :param line_start: whether the text begins a line (so list/heading markers
        at its start must be escaped).
    :param table_cell: the text is a pipe-table cell (``|`` is escaped in code too).
    """
    breaks = bool(newline.strip())
    lines = _lines(spans, breaks)
    while len(lines) > 1 and not "".join(r.text for r in lines[-1]).strip():
        lines.pop()
    out: list[str] = []
    for n, runs in enumerate(lines):
        tokens = _tokens(_pieces(runs), line_start or n > 0)
        after = newline[0] if n < len(lines) - 1 else None
        out.append(write_line(tokens, after, table_cell))
    return newline.join(out)
