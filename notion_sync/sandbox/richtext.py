"""Rich text objects as Notion returns them, and generators of varied rich text."""

from __future__ import annotations

import random
from typing import Any

__all__ = [
    "BACKGROUND_COLORS",
    "COLORS",
    "TEXT_COLORS",
    "equation_item",
    "mention_item",
    "plain_text",
    "text_annotations",
    "text_item",
]

JSON = dict[str, Any]

TEXT_COLORS = [
    "default",
    "gray",
    "brown",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "red",
]
BACKGROUND_COLORS = [f"{c}_background" for c in TEXT_COLORS[1:]]
COLORS = TEXT_COLORS + BACKGROUND_COLORS


def text_annotations(
    bold: bool = False,
    italic: bool = False,
    strikethrough: bool = False,
    underline: bool = False,
    code: bool = False,
    color: str = "default",
) -> JSON:
    """The annotations object every rich text item carries."""
    return {
        "bold": bold,
        "italic": italic,
        "strikethrough": strikethrough,
        "underline": underline,
        "code": code,
        "color": color,
    }


def text_item(content: str, link: str | None = None, ann: JSON | None = None) -> JSON:
    """A ``text`` rich text item."""
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": link} if link else None},
        "annotations": ann or text_annotations(),
        "plain_text": content,
        "href": link,
    }


def equation_item(expression: str, ann: JSON | None = None) -> JSON:
    """An inline ``equation`` rich text item."""
    return {
        "type": "equation",
        "equation": {"expression": expression},
        "annotations": ann or text_annotations(),
        "plain_text": expression,
        "href": None,
    }


def mention_item(mention: JSON, plain: str, href: str | None = None) -> JSON:
    """A ``mention`` rich text item wrapping an already-built mention object."""
    return {
        "type": "mention",
        "mention": mention,
        "annotations": text_annotations(),
        "plain_text": plain,
        "href": href,
    }


def plain_text(items: list[JSON]) -> str:
    """Concatenate the plain text of rich text items (what Notion shows as a title)."""
    return "".join(i["plain_text"] for i in items)


WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "notion",
    "export",
    "stream",
    "kafka",
    "page",
    "block",
    "sync",
    "data",
    "table",
    "river",
    "mountain",
    "garden",
    "signal",
    "vector",
    "orbit",
    "harbor",
    "lantern",
    "meadow",
    "copper",
    "silver",
    "quartz",
    "ember",
    "falcon",
    "willow",
    "cedar",
    "prairie",
    "canyon",
    "glacier",
    "tundra",
    "lagoon",
    "summit",
    "valley",
    "breeze",
    "thunder",
    "plan",
    "review",
    "draft",
    "roadmap",
    "budget",
    "meeting",
    "notes",
    "design",
    "spec",
    "launch",
    "retro",
    "hiring",
    "goals",
]


def sentence(rng: random.Random, lo: int = 4, hi: int = 14) -> str:
    """A short pseudo-sentence."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def random_annotations(rng: random.Random) -> JSON:
    """Annotations with a random mix of styles and a random colour."""
    return text_annotations(
        bold=rng.random() < 0.3,
        italic=rng.random() < 0.3,
        strikethrough=rng.random() < 0.1,
        underline=rng.random() < 0.15,
        code=rng.random() < 0.1,
        color=rng.choice(COLORS),
    )


def all_annotations_showcase() -> list[JSON]:
    """One item per annotation and per colour, so every style appears at least once."""
    items = [
        text_item("bold ", ann=text_annotations(bold=True)),
        text_item("italic ", ann=text_annotations(italic=True)),
        text_item("strikethrough ", ann=text_annotations(strikethrough=True)),
        text_item("underline ", ann=text_annotations(underline=True)),
        text_item("code ", ann=text_annotations(code=True)),
        text_item("everything ", ann=text_annotations(True, True, True, True, True, "red")),
    ]
    items += [text_item(f"{c} ", ann=text_annotations(color=c)) for c in COLORS]
    items.append(text_item("a link", link="https://example.com/notion-sync?q=1&r=2"))
    items.append(equation_item("e^{i\\pi} + 1 = 0"))
    return items
