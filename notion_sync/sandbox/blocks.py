"""Lazy, deterministic block trees: one page's content, derived from its own seed.

:func:`build_tree` turns (workspace, page) into the page's complete block tree with
``random.Random(f"{seed}:blocks:{page_id}")``, so the same page always has the same blocks
and no page's blocks need to exist until someone asks for them. Block ids encode
(page, sequence number), which is how the server finds a block from its id alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .files import FileRef
from .generator import PageNode, Workspace
from .ids import Kind, digest, encode_id
from .richtext import (
    COLORS,
    TEXT_COLORS,
    all_annotations_showcase,
    equation_item,
    mention_item,
    random_annotations,
    sentence,
    text_item,
)

__all__ = [
    "ALL_BLOCK_TYPES",
    "CONTAINER_SEQ",
    "MENTION_KINDS",
    "Block",
    "PageTree",
    "build_tree",
    "rich_text",
]

JSON = dict[str, Any]

#: Every block type of API version 2025-09-03 the sandbox generates.
ALL_BLOCK_TYPES = (
    "paragraph",
    "heading_1",
    "heading_2",
    "heading_3",
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
)
CODE_LANGUAGES = [
    "python",
    "javascript",
    "typescript",
    "rust",
    "go",
    "sql",
    "bash",
    "json",
    "yaml",
    "plain text",
    "mermaid",
    "c++",
    "html",
    "markdown",
]
EMOJIS = ["💡", "⚠️", "📌", "✅", "🔥", "🧪", "📝", "🚀"]
#: Sequence number of the toggle that holds a page's block-parented sub-pages.
CONTAINER_SEQ = 1
#: Fraction of blocks that carry a block-level comment thread.
BLOCK_COMMENT_MODULUS = 17


@dataclass(slots=True)
class Block:
    """One generated block; ``children`` are real child blocks (not for references)."""

    id: str
    seq: int
    type: str
    content: JSON
    parent_type: str  # "page_id" | "block_id"
    parent_id: str
    children: list[Block] = field(default_factory=list)
    has_children: bool = False
    #: For synced_block references: the id of the original, whose children are served.
    synced_from: str | None = None
    comment_count: int = 0


@dataclass(slots=True)
class PageTree:
    """The whole content of one page."""

    page_idx: int
    top: list[Block]
    index: dict[str, Block]
    files: list[tuple[str, str, FileRef | None, str]]  # (block_id, type, ref|None, name)


def rich_text(ws: Workspace, rng: random.Random, mentions: bool = True) -> list[JSON]:
    """Varied rich text: styled runs, links, an occasional equation or mention."""
    items: list[JSON] = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.55:
            items.append(
                text_item(
                    sentence(rng, 2, 9) + " ",
                    ann=random_annotations(rng) if rng.random() < 0.4 else None,
                )
            )
        elif roll < 0.65:
            items.append(text_item("a link ", link=f"https://example.com/{rng.randrange(999)}"))
        elif roll < 0.72:
            items.append(equation_item(f"x^{rng.randint(2, 9)} + y = {rng.randint(1, 99)}"))
        elif mentions:
            items.append(random_mention(ws, rng))
    return items


MENTION_KINDS = ("page", "database", "user", "date", "link_preview")


def random_mention(ws: Workspace, rng: random.Random, kind: str | None = None) -> JSON:
    """A mention of a page, database, user, date or link preview (``kind`` forces one)."""
    kind = kind or MENTION_KINDS[rng.randrange(len(MENTION_KINDS))]
    if kind == "page" or (kind == "database" and not ws.databases):
        return page_mention(ws.pages[rng.randrange(len(ws.pages))])
    if kind == "database":
        db = ws.databases[rng.randrange(len(ws.databases))]
        return mention_item(
            {"type": "database", "database": {"id": db.id}},
            db.title,
            f"https://www.notion.so/{db.id.replace('-', '')}",
        )
    if kind == "user":
        user = ws.users[rng.randrange(len(ws.users))]
        return mention_item(
            {"type": "user", "user": {"object": "user", "id": user.id}}, f"@{user.name}"
        )
    if kind == "date":
        day = 1 + rng.randrange(28)
        date: dict[str, str | None]
        if rng.random() < 0.5:
            date = {
                "start": f"2025-0{1 + rng.randrange(9)}-{day:02d}",
                "end": None,
                "time_zone": None,
            }
        else:
            date = {
                "start": f"2025-03-{day:02d}T09:30:00.000+02:00",
                "end": f"2025-03-{day:02d}T11:00:00.000+02:00",
                "time_zone": None,
            }
        return mention_item({"type": "date", "date": date}, str(date["start"]))
    url = f"https://github.com/example/repo/pull/{rng.randrange(1, 999)}"
    return mention_item({"type": "link_preview", "link_preview": {"url": url}}, url, url)


def page_mention(page: PageNode) -> JSON:
    """A page mention; pages the integration cannot see show as "Untitled"."""
    return mention_item(
        {"type": "page", "page": {"id": page.id}},
        page.title if page.shared else "Untitled",
        f"https://www.notion.so/{page.id.replace('-', '')}",
    )


class _TreeBuilder:
    """Builds one page's tree; holds the sequence counter and the id index."""

    def __init__(self, ws: Workspace, page: PageNode, showcase_original: str | None) -> None:
        self.ws = ws
        self.page = page
        self.seed = ws.seed
        self.rng = random.Random(f"{ws.seed}:blocks:{page.id}")
        self.seq = 0
        self.index: dict[str, Block] = {}
        self.files: list[tuple[str, str, FileRef | None, str]] = []
        self.showcase_original = showcase_original

    # -- primitives -------------------------------------------------------------------
    def new(
        self, type_: str, content: JSON, parent: Block | None, children: list[Block] | None = None
    ) -> Block:
        self.seq += 1
        block_id = encode_id(self.seed, Kind.BLOCK, self.page.idx, self.seq)
        parent_type, parent_id = (
            ("page_id", self.page.id) if parent is None else ("block_id", parent.id)
        )
        block = Block(block_id, self.seq, type_, content, parent_type, parent_id)
        if digest(self.seed, "block-comments", block_id) % BLOCK_COMMENT_MODULUS == 0:
            block.comment_count = 1 + digest(self.seed, "bc-n", block_id) % 3
        self.index[block_id] = block
        if children:
            self.adopt(block, children)
        return block

    def adopt(self, parent: Block, children: list[Block]) -> None:
        for child in children:
            child.parent_type, child.parent_id = "block_id", parent.id
        parent.children.extend(children)
        parent.has_children = bool(parent.children)

    def rt(self, mentions: bool = True) -> list[JSON]:
        return rich_text(self.ws, self.rng, mentions)

    def color(self) -> str:
        return self.rng.choice(COLORS) if self.rng.random() < 0.2 else "default"

    def media(self, type_: str, ext: str, hosted: bool) -> JSON:
        name = f"{type_}-{self.seq + 1}.{ext}"
        body: JSON = {"caption": [text_item(f"{type_} caption")] if self.rng.random() < 0.5 else []}
        if hosted:
            file_id = encode_id(self.seed, Kind.FILE, self.page.idx, 10_000 + self.seq + 1)
            ref = FileRef(file_id, name)
            body.update({"type": "file", "file": ref})
            self.files.append(
                (encode_id(self.seed, Kind.BLOCK, self.page.idx, self.seq + 1), "file", ref, name)
            )
        else:
            url = f"https://upload.wikimedia.org/sandbox/{name}"
            body.update({"type": "external", "external": {"url": url}})
            self.files.append(
                (
                    encode_id(self.seed, Kind.BLOCK, self.page.idx, self.seq + 1),
                    "external",
                    None,
                    name,
                )
            )
        if type_ == "file":
            body["name"] = name
        return body

    # -- block factories --------------------------------------------------------------
    def text_block(self, type_: str, depth: int, parent: Block | None = None) -> Block:
        content: JSON = {"rich_text": self.rt(), "color": self.color()}
        if type_.startswith("heading_"):
            content["is_toggleable"] = depth < 2 and self.rng.random() < 0.3
        if type_ == "to_do":
            content["checked"] = self.rng.random() < 0.5
        if type_ == "callout":
            content["icon"] = {"type": "emoji", "emoji": self.rng.choice(EMOJIS)}
        block = self.new(type_, content, parent)
        nest = type_ in (
            "toggle",
            "bulleted_list_item",
            "numbered_list_item",
            "to_do",
            "quote",
            "callout",
        ) or content.get("is_toggleable")
        if (
            nest
            and depth < 3
            and (type_ == "toggle" or content.get("is_toggleable") or self.rng.random() < 0.35)
        ):
            kids = [
                self.random_block(depth + 1, list_type=type_) for _ in range(self.rng.randint(1, 3))
            ]
            self.adopt(block, kids)
        return block

    def table(self) -> Block:
        width = self.rng.randint(2, 4)
        block = self.new(
            "table",
            {
                "table_width": width,
                "has_column_header": self.rng.random() < 0.6,
                "has_row_header": self.rng.random() < 0.3,
            },
            None,
        )
        rows = [
            self.new(
                "table_row",
                {"cells": [[text_item(f"r{r}c{c}")] if (r + c) % 5 else [] for c in range(width)]},
                block,
            )
            for r in range(self.rng.randint(2, 5))
        ]
        self.adopt(block, rows)
        return block

    def columns(self, depth: int) -> Block:
        block = self.new("column_list", {}, None)
        cols = []
        for _ in range(self.rng.randint(2, 3)):
            col = self.new("column", {}, block)
            self.adopt(col, [self.random_block(depth + 2) for _ in range(self.rng.randint(1, 3))])
            cols.append(col)
        self.adopt(block, cols)
        return block

    def synced_original(self) -> Block:
        block = self.new("synced_block", {"synced_from": None}, None)
        self.adopt(block, [self.text_block("paragraph", 2), self.text_block("to_do", 2)])
        return block

    def synced_reference(self, original_id: str) -> Block:
        block = self.new(
            "synced_block", {"synced_from": {"type": "block_id", "block_id": original_id}}, None
        )
        block.has_children = True
        block.synced_from = original_id
        return block

    def tab(self) -> Block:
        block = self.new("tab", {}, None)
        tabs = []
        for name in ("Overview", "Details"):
            para = self.new(
                "paragraph", {"rich_text": [text_item(name)], "color": "default"}, block
            )
            self.adopt(para, [self.text_block("paragraph", 3) for _ in range(2)])
            tabs.append(para)
        self.adopt(block, tabs)
        return block

    def link_to_page(self) -> Block:
        if self.ws.databases and self.rng.random() < 0.2:
            db = self.ws.databases[self.rng.randrange(len(self.ws.databases))]
            return self.new("link_to_page", {"type": "database_id", "database_id": db.id}, None)
        target = self.ws.pages[self.rng.randrange(len(self.ws.pages))]
        return self.new("link_to_page", {"type": "page_id", "page_id": target.id}, None)

    def special(self, type_: str, depth: int) -> Block:
        """One block of any type that has no parent-specific constraints."""
        rng = self.rng
        if type_ == "code":
            code = f"def f(x):\n    return x * {rng.randint(2, 9)}\n"
            return self.new(
                "code",
                {
                    "caption": [],
                    "rich_text": [text_item(code)],
                    "language": rng.choice(CODE_LANGUAGES),
                },
                None,
            )
        if type_ == "equation":
            return self.new("equation", {"expression": "\\int_0^1 x^2\\,dx = \\frac{1}{3}"}, None)
        if type_ in ("divider", "breadcrumb"):
            return self.new(type_, {}, None)
        if type_ == "table_of_contents":
            return self.new(type_, {"color": rng.choice(TEXT_COLORS)}, None)
        if type_ in ("bookmark", "embed"):
            url = f"https://example.com/{type_}/{rng.randrange(1000)}"
            return self.new(type_, {"caption": [], "url": url}, None)
        if type_ == "link_preview":
            return self.new(
                type_,
                {"url": f"https://github.com/example/repo/issues/{rng.randrange(1, 500)}"},
                None,
            )
        if type_ in ("image", "video", "pdf", "file", "audio"):
            ext = {"image": "png", "video": "mp4", "pdf": "pdf", "file": "txt", "audio": "mp3"}[
                type_
            ]
            hosted = rng.random() < 0.7
            return self.new(type_, self.media(type_, ext, hosted), None)
        if type_ == "table":
            return self.table()
        if type_ == "column_list":
            return self.columns(depth)
        if type_ == "link_to_page":
            return self.link_to_page()
        if type_ == "template":
            block = self.new("template", {"rich_text": [text_item("Add a new to-do")]}, None)
            self.adopt(block, [self.text_block("to_do", 2)])
            return block
        if type_ == "unsupported":
            return self.new("unsupported", {}, None)
        if type_ == "tab":
            return self.tab()
        if type_ == "synced_block":
            return self.synced_original()
        return self.text_block(type_, depth)

    def random_block(self, depth: int, list_type: str | None = None) -> Block:
        rng = self.rng
        if list_type in ("bulleted_list_item", "numbered_list_item") and rng.random() < 0.7:
            return self.text_block(list_type, depth)
        roll = rng.random()
        if roll < 0.40 or depth >= 3:
            return self.text_block("paragraph", depth)
        if roll < 0.55:
            return self.text_block(rng.choice(["bulleted_list_item", "numbered_list_item"]), depth)
        if roll < 0.65:
            return self.text_block(rng.choice(["heading_1", "heading_2", "heading_3"]), depth)
        if roll < 0.75:
            return self.text_block(rng.choice(["to_do", "toggle", "quote", "callout"]), depth)
        if depth > 0:
            return self.text_block("paragraph", depth)
        return self.special(
            rng.choice(
                [
                    "code",
                    "equation",
                    "divider",
                    "bookmark",
                    "embed",
                    "link_preview",
                    "image",
                    "video",
                    "pdf",
                    "file",
                    "audio",
                    "table",
                    "column_list",
                    "link_to_page",
                    "table_of_contents",
                    "breadcrumb",
                ]
            ),
            depth,
        )

    def showcase(self) -> list[Block]:
        """Every block type, every annotation and every mention kind at least once."""
        out = [
            self.new(
                "paragraph", {"rich_text": all_annotations_showcase(), "color": "default"}, None
            )
        ]
        mentions = [page_mention(self.ws.pages[0])]
        unshared = [p for p in self.ws.pages if not p.shared]
        if unshared:
            mentions.append(page_mention(unshared[0]))
        mentions += [random_mention(self.ws, self.rng, kind) for kind in MENTION_KINDS[1:]]
        out.append(self.new("paragraph", {"rich_text": mentions, "color": "blue_background"}, None))
        for level in (1, 2, 3):
            heading = self.new(
                f"heading_{level}",
                {
                    "rich_text": [text_item(f"Heading {level}")],
                    "is_toggleable": level == 2,
                    "color": "default",
                },
                None,
            )
            if level == 2:
                self.adopt(heading, [self.text_block("paragraph", 1)])
            out.append(heading)
        # Lists nested four levels deep.
        for list_type in ("bulleted_list_item", "numbered_list_item"):
            top = self.new(
                list_type, {"rich_text": [text_item("level 0")], "color": "default"}, None
            )
            cur = top
            for lvl in range(1, 4):
                kid = self.new(
                    list_type, {"rich_text": [text_item(f"level {lvl}")], "color": "default"}, cur
                )
                self.adopt(cur, [kid])
                cur = kid
            out.append(top)
        for type_ in ("to_do", "toggle", "quote", "callout"):
            block = self.text_block(type_, 2)
            if not block.children:
                self.adopt(block, [self.text_block("paragraph", 3)])
            out.append(block)
        for type_ in (
            "code",
            "equation",
            "divider",
            "table",
            "column_list",
            "synced_block",
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
        ):
            out.append(self.special(type_, 0))
        for lang in ("python", "rust", "sql"):
            out.append(
                self.new(
                    "code",
                    {
                        "caption": [text_item(lang)],
                        "language": lang,
                        "rich_text": [text_item(f"-- {lang} sample")],
                    },
                    None,
                )
            )
        out.append(
            self.new("link_to_page", {"type": "page_id", "page_id": self.ws.pages[0].id}, None)
        )
        if self.ws.databases:
            out.append(
                self.new(
                    "link_to_page",
                    {"type": "database_id", "database_id": self.ws.databases[0].id},
                    None,
                )
            )
        if unshared:
            out.append(
                self.new("link_to_page", {"type": "page_id", "page_id": unshared[0].id}, None)
            )
        return out

    def build(self) -> PageTree:
        page = self.page
        container = None
        if page.block_children:
            # Created first, so its id is always (page, 1): sub-pages point at it.
            container = self.new(
                "toggle", {"rich_text": [text_item("Sub-pages")], "color": "default"}, None
            )
        content: list[Block] = []
        if page.special == "showcase":
            content = self.showcase()
        elif page.special == "synced_ref" and self.showcase_original:
            content = [self.synced_reference(self.showcase_original)]
        elif page.special == "huge":
            # Mostly flat paragraphs so the page is big but cheap, plus some nesting.
            while len(content) < page.top_count:
                if len(content) % 50 == 0:
                    content.append(self.random_block(0))
                else:
                    content.append(
                        self.new(
                            "paragraph",
                            {
                                "rich_text": [
                                    text_item(
                                        f"Paragraph {len(content)}. " + sentence(self.rng, 3, 8)
                                    )
                                ],
                                "color": "default",
                            },
                            None,
                        )
                    )
        while len(content) < page.top_count:
            content.append(self.random_block(0))
        del content[page.top_count :]
        # child_page / child_database blocks: their ids are the page's / database's id.
        links: list[Block] = []
        nested: list[Block] = []
        for child_idx in page.child_pages or ():
            child = self.ws.pages[child_idx]
            link = Block(
                child.id,
                -1,
                "child_page",
                {"title": child.title},
                "page_id",
                page.id,
                has_children=child.top_level_total > 0,
            )
            (nested if child.parent_kind == "block" else links).append(link)
        if container is not None:
            self.adopt(container, nested)
            links.append(container)
        for db_idx in page.child_dbs or ():
            db = self.ws.databases[db_idx]
            links.append(
                Block(db.id, -1, "child_database", {"title": db.title}, "page_id", page.id)
            )
        for link in links:
            content.insert(self.rng.randint(0, len(content)), link)
        return PageTree(page.idx, content, self.index, self.files)


def build_tree(ws: Workspace, page_idx: int, showcase_original: str | None) -> PageTree:
    """The complete block tree of page ``page_idx``.

    :param showcase_original: id of the synced_block original that "synced_ref" pages
        reference (the caller finds it in the showcase page's tree).
    """
    return _TreeBuilder(ws, ws.pages[page_idx], showcase_original).build()
