"""Notion blocks as GitHub-flavoured Markdown (the body of a ``.md`` page).

Nesting is indentation: a list item's children are indented by the width of its
marker, quotes and callouts prefix their whole content with ``> ``. Content
where Markdown has no syntax uses the HTML GitHub allows: a toggle is a
``<details>`` whose ``<summary>`` is escaped inline HTML; a toggleable heading
keeps a Markdown heading inside its ``<summary>`` (blank lines around it), so
GitHub gives it its anchor and shows it beside the arrow, and where the HTML is
dropped (Hugo's default) the heading and its content remain. Blocks the API
cannot show are named by their real type; those Notion's own export leaves out
(buttons) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from notion_sync.sinks import md_links
from notion_sync.sinks.blocks import (
    KNOWN_BLOCKS,
    OMITTED_BLOCKS,
    Heading,
    anchor_slugs,
    as_map,
    children,
    payload,
    real_type,
    rich_text_of,
    table_grid,
    type_name,
)
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.md_code import code_fence
from notion_sync.sinks.md_inline import escape_md, inline_html, render_spans_md
from notion_sync.sinks.md_tables import html_table, pipe_table
from notion_sync.sinks.richtext import Span, plain_text, spans

__all__ = ["MarkdownBlocks"]

Block = Mapping[str, Any]
_LISTS = frozenset({"bulleted_list_item", "numbered_list_item", "to_do"})
#: Bullets and to-dos share the "- " marker, so GFM sees them as one list: keep it tight.
_FAMILY = {"bulleted_list_item": "-", "to_do": "-", "numbered_list_item": "1."}
_MEDIA = frozenset({"image", "video", "pdf", "file", "audio"})
_LINKS = frozenset({"bookmark", "embed", "link_preview"})


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.split("\n"))


def _quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


class MarkdownBlocks:
    """Renders block trees for one page; holds the page's headings for its TOC."""

    def __init__(self, ctx: RenderContext, heads: list[Heading]) -> None:
        self.ctx = ctx
        slugs = anchor_slugs([plain_text(rt) for _, rt, _ in heads])
        self.toc = [(level, rt, slug) for (level, rt, _), slug in zip(heads, slugs, strict=True)]
        self._dispatch: dict[str, Callable[[Block, int], str]] = {
            "paragraph": self._paragraph,
            "bulleted_list_item": self._list_item,
            "numbered_list_item": self._list_item,
            "to_do": self._list_item,
            "toggle": self._toggle,
            "quote": self._quote,
            "callout": self._quote,
            "code": self._code,
            "equation": self._equation,
            "divider": lambda b, n: "---",
            "table": self._table,
            "column_list": self._columns,
            "column": self._container,
            "synced_block": self._synced,
            "child_page": lambda b, _: md_links.child_page(ctx, b),
            "child_database": lambda b, _: md_links.child_database(ctx, b),
            "link_to_page": lambda b, _: md_links.link_to_page(ctx, b),
            "table_of_contents": self._toc,
            "breadcrumb": lambda b, _: md_links.breadcrumb(ctx),
            "template": self._container,
            "tab": self._tab,
            "unsupported": self._unknown,
            "table_row": self._unknown,
        }
        for level in range(1, 5):
            self._dispatch[f"heading_{level}"] = self._heading
        for kind in _MEDIA:
            self._dispatch[kind] = lambda b, _: md_links.media(ctx, b)
        for kind in _LINKS:
            self._dispatch[kind] = lambda b, _: md_links.link_block(ctx, b)

    def spans(self, rich_text: object) -> list[Span]:
        return spans(rich_text if isinstance(rich_text, list) else [], self.ctx)

    def inline(self, rich_text: object, *, newline: str = "\\\n") -> str:
        return render_spans_md(self.spans(rich_text), newline=newline)

    def blocks(self, blocks: list[Block]) -> str:
        """A sibling list: tight lists, numbering that restarts where Notion's does."""
        out: list[str] = []
        prev: str | None = None
        interrupted = False
        number = 0
        for block in blocks:
            kind = str(block.get("type"))
            if kind == "numbered_list_item":
                start = payload(block).get("list_start_index")
                restart = prev != kind or interrupted
                number = (start if isinstance(start, int) else 1) if restart else number + 1
            text = self.block(block, number)
            if not text.strip():
                # An empty paragraph ends a list in Notion; a block left out does not.
                interrupted = interrupted or real_type(block) not in OMITTED_BLOCKS
                continue
            if out:
                same_list = kind in _LISTS and _FAMILY.get(prev or "") == _FAMILY[kind]
                out.append(("\n\n<!-- -->\n\n" if interrupted else "\n") if same_list else "\n\n")
            out.append(text)
            prev, interrupted = kind, False
        return "".join(out)

    def block(self, block: Block, number: int = 1) -> str:
        kind = block.get("type")
        handler = self._dispatch.get(kind) if kind in KNOWN_BLOCKS else None
        return (handler or self._unknown)(block, number)

    def _kids(self, block: Block) -> str:
        return self.blocks(children(block))

    def _with_kids(self, head: str, block: Block) -> str:
        kids = self._kids(block)
        return f"{head}\n\n{kids}" if head and kids else head or kids

    def _paragraph(self, block: Block, _: int) -> str:
        return self._with_kids(self.inline(payload(block).get("rich_text")), block)

    def _list_item(self, block: Block, number: int) -> str:
        body = payload(block)
        kind = block.get("type")
        if kind == "numbered_list_item":
            marker = f"{number}. "
        elif kind == "to_do":
            marker = "- [x] " if body.get("checked") else "- [ ] "
        else:
            marker = "- "
        width = 2 if kind == "to_do" else len(marker)  # a task's content column is after "- "
        text = _indent(self.inline(body.get("rich_text")), " " * width).lstrip(" ")
        kids = children(block)
        if not kids:
            return marker + text
        joiner = "\n" if kids[0].get("type") in _LISTS else "\n\n"
        return marker + text + joiner + _indent(self.blocks(kids), " " * width)

    def _details(self, summary_html: str, block: Block) -> str:
        kids = self._kids(block)
        inner = f"\n\n{kids}\n\n" if kids else "\n"
        return f"<details>\n<summary>{summary_html}</summary>{inner}</details>"

    def _toggle(self, block: Block, _: int) -> str:
        return self._details(inline_html(self.spans(payload(block).get("rich_text"))), block)

    def _heading(self, block: Block, _: int) -> str:
        level = min(int(str(block.get("type"))[-1]) + 1, 6)  # the page title is the only "#"
        body = payload(block)
        text = render_spans_md(self.spans(body.get("rich_text")), newline=" ", line_start=False)
        if text.endswith("#"):  # a closing sequence of "#"s would be dropped
            text = text[:-1] + "\\#"
        head = ("#" * level + " " + text).rstrip()
        if body.get("is_toggleable"):
            return self._details(f"\n\n{head}\n\n", block)
        return self._with_kids(head, block)

    def _quote(self, block: Block, _: int) -> str:
        body = payload(block)
        text = self.inline(body.get("rich_text"))
        if block.get("type") == "callout":
            icon = as_map(body.get("icon"))
            mark = icon.get("emoji") if icon.get("type") == "emoji" else None
            text = f"{escape_md(str(mark))} {text}" if mark else text
        return _quoted(self._with_kids(text, block) or " ")

    def _code(self, block: Block, _: int) -> str:
        body = payload(block)
        code = plain_text(body.get("rich_text") if isinstance(body.get("rich_text"), list) else [])
        text = code_fence(code, body.get("language"))
        caption = self.inline(body.get("caption"))
        return f"{text}\n\n{caption}" if caption else text

    def _equation(self, block: Block, _: int) -> str:
        expression = payload(block).get("expression")
        if not isinstance(expression, str) or not expression.strip():
            return ""
        # A blank line would end the block (TeX has no use for one in math either).
        lines = [line for line in expression.strip().splitlines() if line.strip()]
        return "$$\n" + "\n".join(lines) + "\n$$"

    def _table(self, block: Block, _: int) -> str:
        body = payload(block)
        grid, width = table_grid(block)
        if not width or not grid:
            return ""
        rows = [[self.spans(cell) for cell in row] for row in grid]
        row_header = bool(body.get("has_row_header"))
        if body.get("has_column_header"):
            return pipe_table(rows[0], rows[1:], width, row_header=row_header)
        return html_table(rows, width, row_header=row_header)

    def _columns(self, block: Block, _: int) -> str:
        return "\n\n".join(t for t in (self.block(c) for c in children(block)) if t.strip())

    def _container(self, block: Block, _: int) -> str:
        return self._with_kids(self.inline(rich_text_of(block)), block)

    def _tab(self, block: Block, _: int) -> str:
        """Tabs: each child is a tab whose text is its label and whose children its panel."""
        panels = []
        for tab in children(block):
            label = [replace(s, bold=True) for s in self.spans(rich_text_of(tab))]
            panels.append(self._with_kids(render_spans_md(label, newline=" "), tab))
        return "\n\n".join(p for p in panels if p)

    def _synced(self, block: Block, _: int) -> str:
        kids = self._kids(block)
        source = payload(block).get("synced_from")
        if kids or not isinstance(source, Mapping):
            return kids
        return "_(Synced content whose original was not exported)_"

    def _toc(self, block: Block, _: int) -> str:
        top = min((level for level, _, _ in self.toc), default=1)
        lines = []
        for level, rt, slug in self.toc:
            label = [replace(s, href=f"#{slug}") for s in self.spans(rt) or [Span("Untitled")]]
            lines.append("  " * (level - top) + "- " + render_spans_md(label, newline=" "))
        return "\n".join(lines)

    def _unknown(self, block: Block, _: int) -> str:
        """A block we cannot show, named by its real type, with whatever text and children it
        has; those Notion's own export leaves out (buttons) are left out, and counted."""
        kind = real_type(block)
        self.ctx.note(f"block:{kind}")
        if kind in OMITTED_BLOCKS:
            return ""
        why = (
            "not available through the Notion API"
            if block.get("type") == "unsupported"
            else "not exported"
        )
        note = f"_({escape_md(type_name(kind), line_start=False)}: {why})_"
        return self._with_kids(note + "\n\n" + self.inline(rich_text_of(block)), block).rstrip()
