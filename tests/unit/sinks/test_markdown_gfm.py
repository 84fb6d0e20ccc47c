"""Inline Markdown read back by GitHub's parser (cmark-gfm): what Notion wrote is what shows.

Random and adversarial runs of annotated text (bold, italic, strikethrough, code,
links; spaces, line breaks and the characters Markdown uses) are rendered, parsed
by cmark-gfm with GitHub's extensions, and the HTML is read back: its text must be
the plain text, and every visible character must carry exactly the annotations it
had in Notion. A seeded loop, so a failure names the case that reproduces it.
"""

from __future__ import annotations

import random
from html.parser import HTMLParser

import pytest

from notion_sync.sinks.md_inline import render_spans_md
from notion_sync.sinks.richtext import Span
from tests.unit.sinks.gfm import gfm

#: Annotation → the tag GitHub shows it with.
TAGS = {"bold": "strong", "italic": "em", "strikethrough": "del", "code": "code", "href": "a"}
ALPHABET = ["a", "b", "é", "1", "0", " ", " ", "\n", "*", "_", "~", "`", ".", "!", "\\"]
ALPHABET += ["&", "<", "#", "-", "[", "]", "|", "$", "\u00a0", "€", "(", ">", "=", "+", "\r"]
Line = list[tuple[str, frozenset[str]]]


class _Reader(HTMLParser):
    """Characters of the HTML with the formatting tags around each; ``<br>`` ends a line."""

    def __init__(self, inside: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = [[]]
        self.open: list[str] = []
        self.inside = inside  # only text within this tag counts (a table's <td>)
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.lines.append([])
        elif tag == self.inside:
            self.depth += 1
        else:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == self.inside:
            self.depth -= 1
        elif tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag)]

    def handle_data(self, data: str) -> None:
        if self.inside is not None and not self.depth:
            return
        tags = frozenset(t for t in self.open if t in TAGS.values())
        self.lines[-1].extend((ch, tags) for ch in data)


def _normal(lines: list[Line]) -> list[Line]:
    """Lines without their outer whitespace (Markdown drops it), blank ones at the ends
    dropped, and no annotation on whitespace (markers never wrap it)."""
    out: list[Line] = []
    for line in lines:
        text = "".join(ch for ch, _ in line)
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        out.append(
            [(ch, tags if not ch.isspace() else frozenset()) for ch, tags in line[start:end]]
        )
    while out and not out[-1]:
        out.pop()
    while out and not out[0]:
        out.pop(0)
    return out


def _expected(spans: list[Span]) -> list[Line]:
    lines: list[Line] = [[]]
    for span in spans:
        tags = frozenset(
            tag for name, tag in TAGS.items() if getattr(span, name) not in (False, None)
        )
        for ch in span.text.replace("\r\n", "\n").replace("\r", "\n"):
            if ch == "\n":
                lines.append([])
            else:
                lines[-1].append((ch, tags))
    return _normal(lines)


def _random_spans(rng: random.Random) -> list[Span]:
    spans = []
    for _ in range(rng.randint(1, 7)):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6)))
        flags = {name: rng.random() < 0.4 for name in ("bold", "italic", "strikethrough", "code")}
        href = rng.choice([None, None, None, "https://example.com/a", "https://example.com/b"])
        spans.append(Span(text, href=href, **flags))
    return spans


def _read(html: str, inside: str | None = None) -> list[Line]:
    reader = _Reader(inside)
    reader.feed(html)
    return _normal(reader.lines)


def _show(lines: list[Line]) -> list[str]:
    return ["".join(ch for ch, _ in line) for line in lines]


@pytest.mark.parametrize("seed", range(40))
def test_random_annotated_text_reads_back_as_written(seed: int) -> None:
    rng = random.Random(seed)
    for case in range(100):
        spans = _random_spans(rng)
        markdown = render_spans_md(spans)
        got = _read(gfm(markdown))
        expected = _expected(spans)
        assert _show(got) == _show(expected), (seed, case, spans, markdown)
        assert got == expected, (seed, case, spans, markdown)


@pytest.mark.parametrize("seed", range(10))
def test_random_annotated_text_in_a_table_cell_reads_back_as_written(seed: int) -> None:
    rng = random.Random(1000 + seed)
    for case in range(100):
        spans = _random_spans(rng)
        cell = render_spans_md(spans, newline="<br>", table_cell=True, line_start=False)
        got = _read(gfm(f"| head |\n| --- |\n| {cell} |\n"), inside="td")
        expected = _expected(spans)
        assert got == expected, (seed, case, spans, cell)


@pytest.mark.parametrize(
    ("spans", "markdown"),
    [
        (
            [
                Span("styles", bold=True, italic=True, strikethrough=True),
                Span(".", bold=True, strikethrough=True),
            ],
            "~~***styles*.**~~",
        ),
        ([Span("many\n", bold=True, italic=True), Span("x", bold=True)], "***many***\\\n**x**"),
        ([Span("a "), Span("\n", bold=True), Span("b")], "a\\\nb"),
        ([Span("a"), Span(" ", bold=True), Span("b")], "a b"),
        ([Span("un"), Span("believ", bold=True), Span("able")], "un<strong>believ</strong>able"),
        ([Span("0.0 notion_to_md R&D a > b 2 * 3")], "0.0 notion_to_md R&D a > b 2 \\* 3"),
        ([Span("&amp; <b> _x_ 1. a")], "\\&amp; \\<b> \\_x\\_ 1. a"),
    ],
)
def test_issue_examples(spans: list[Span], markdown: str) -> None:
    """The inline formatting the issue saw break on GitHub, and what is no longer escaped."""
    assert render_spans_md(spans) == markdown
    assert _read(gfm(markdown)) == _expected(spans)
