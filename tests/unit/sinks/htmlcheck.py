"""A strict-enough HTML5 reader for tests: balanced tags, links, text, no scripts."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


@dataclass
class Parsed:
    tags: list[str] = field(default_factory=list)
    attrs: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: str = ""
    errors: list[str] = field(default_factory=list)
    doctype: str | None = None

    def links(self) -> list[str]:
        return [a["href"] or "" for t, a in self.attrs if t in ("a", "link") and "href" in a]

    def sources(self) -> list[str]:
        return [a["src"] or "" for t, a in self.attrs if "src" in a]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out = Parsed()
        self.stack: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.out.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.tags.append(tag)
        self.out.attrs.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.tags.append(tag)
        self.out.attrs.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.out.errors.append(f"unexpected </{tag}>, open: {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.out.text += data


def parse_html(text: str) -> Parsed:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    if reader.stack:
        reader.out.errors.append(f"unclosed: {reader.stack}")
    return reader.out
