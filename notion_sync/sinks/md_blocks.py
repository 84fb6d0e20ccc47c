"""Notion blocks as GitHub-flavoured Markdown (the body of a ``.md`` page).

Nesting is indentation: a list item's children are indented by the width of its
marker, quotes and callouts prefix their whole content with ``> ``. Content
where Markdown has no syntax (toggles, toggleable headings) uses the HTML
GitHub allows, with the summary rendered as escaped inline HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from notion_sync.sinks.blocks import (
    KNOWN_BLOCKS,
    Heading,
    anchor_slugs,
    as_map,
    children,
    code_language,
    payload,
    rich_text_of,
    table_grid,
)
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.html_inline import render_spans_html
from notion_sync.sinks.md_inline import escape_md, md_link_target, render_spans_md
from notion_sync.sinks.media import media_label
from notion_sync.sinks.richtext import plain_text, spans

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
            "child_page": self._child_page,
            "child_database": self._child_database,
            "link_to_page": self._link_to_page,
            "table_of_contents": self._toc,
            "breadcrumb": self._breadcrumb,
            "template": self._container,
            "tab": self._tab,
            "unsupported": self._unknown,
            "table_row": self._unknown,
        }
        for level in range(1, 5):
            self._dispatch[f"heading_{level}"] = self._heading
        for kind in _MEDIA:
            self._dispatch[kind] = self._media
        for kind in _LINKS:
            self._dispatch[kind] = self._link_block

    def inline(self, rich_text: object, *, newline: str = "\\\n") -> str:
        rt = rich_text if isinstance(rich_text, list) else []
        return render_spans_md(spans(rt, self.ctx), newline=newline)

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
                interrupted = True  # an empty paragraph ends a list in Notion
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
        rt = payload(block).get("rich_text")
        return self._details(
            render_spans_html(spans(rt if isinstance(rt, list) else [], self.ctx)), block
        )

    def _heading(self, block: Block, _: int) -> str:
        level = min(int(str(block.get("type"))[-1]) + 1, 6)  # the page title is the only "#"
        body = payload(block)
        if body.get("is_toggleable"):
            rt = body.get("rich_text")
            inner = render_spans_html(spans(rt if isinstance(rt, list) else [], self.ctx))
            return self._details(f"<h{level}>{inner}</h{level}>", block)
        head = "#" * level + " " + self.inline(body.get("rich_text"), newline=" ")
        return self._with_kids(head.rstrip(), block)

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
        fence = "`" * max(3, 1 + max((len(r) for r in re.findall("`+", code)), default=0))
        code = code[:-1] if code.endswith("\n") else code  # the fence's own newline ends it
        text = f"{fence}{code_language(body.get('language'))}\n{code}\n{fence}"
        caption = self.inline(body.get("caption"))
        return f"{text}\n\n{caption}" if caption else text

    def _equation(self, block: Block, _: int) -> str:
        expression = payload(block).get("expression")
        if not isinstance(expression, str) or not expression.strip():
            return ""
        return f"$$\n{expression.strip()}\n$$"

    def _table(self, block: Block, _: int) -> str:
        body = payload(block)
        grid, width = table_grid(block)
        if not width:
            return ""

        def line(cells: list[Any], row_header: bool) -> str:
            texts = [self.inline(c, newline="<br>") or " " for c in cells]
            texts += [" "] * (width - len(texts))
            if row_header and texts[0].strip():
                texts[0] = f"**{texts[0]}**"
            return "| " + " | ".join(texts) + " |"

        row_header = bool(body.get("has_row_header"))
        if body.get("has_column_header") and grid:
            head, grid = line(grid[0], False), grid[1:]
        else:
            head = "|" + "  |" * width
        lines = [head, "|" + " --- |" * width] + [line(r, row_header) for r in grid]
        return "\n".join(lines)

    def _columns(self, block: Block, _: int) -> str:
        return "\n\n".join(t for t in (self.block(c) for c in children(block)) if t.strip())

    def _container(self, block: Block, _: int) -> str:
        return self._with_kids(self.inline(rich_text_of(block)), block)

    def _tab(self, block: Block, _: int) -> str:
        """Tabs: each child is a tab whose text is its label and whose children its panel."""
        panels = []
        for tab in children(block):
            label = self.inline(rich_text_of(tab), newline=" ")
            panels.append(self._with_kids(f"**{label}**" if label.strip() else "", tab))
        return "\n\n".join(p for p in panels if p)

    def _synced(self, block: Block, _: int) -> str:
        kids = self._kids(block)
        source = payload(block).get("synced_from")
        if kids or not isinstance(source, Mapping):
            return kids
        return "_(Synced content whose original was not exported)_"

    def _doc_link(self, title: str, target: str | None) -> str:
        href = self.ctx.page_href(target)
        label = escape_md(title or "Untitled", line_start=False)
        return f"[{label}]({md_link_target(href)})" if href else label

    def _child_page(self, block: Block, _: int) -> str:
        title = payload(block).get("title")
        bid = str(block.get("id") or "")
        return self._doc_link(
            title if isinstance(title, str) and title else self.ctx.title_of(bid) or "", bid
        )

    def _child_database(self, block: Block, _: int) -> str:
        bid = str(block.get("id") or "")
        title = payload(block).get("title")
        sources = self.ctx.layout.sources(bid)
        if not sources:
            return self._doc_link(str(title or ""), bid)
        return (
            "\n".join(
                "- " + self._doc_link(self.ctx.layout.title(s) or str(title or ""), s)
                for s in sources
            )
            if len(sources) > 1
            else self._doc_link(str(title or self.ctx.layout.title(sources[0]) or ""), sources[0])
        )

    def _link_to_page(self, block: Block, _: int) -> str:
        body = payload(block)
        kind = body.get("type")
        target = body.get(kind) if isinstance(kind, str) else None
        target = target if isinstance(target, str) else None
        return self._doc_link(self.ctx.title_of(target) or "", target)

    def _link_block(self, block: Block, _: int) -> str:
        body = payload(block)
        url = body.get("url")
        href = self.ctx.link_href(url)
        caption = self.inline(body.get("caption"), newline=" ")
        label = caption or escape_md(str(url or ""), line_start=False) or str(block.get("type"))
        return f"[{label}]({md_link_target(href)})" if href else label

    def _media(self, block: Block, _: int) -> str:
        body = payload(block)
        href = self.ctx.file_object_href(body)
        caption = self.inline(body.get("caption"), newline=" ")
        label = escape_md(media_label(body), line_start=False)
        if block.get("type") == "image" and href:
            alt = escape_md(plain_text(body.get("caption") or []), line_start=False) or label
            text = f"![{alt.replace(chr(10), ' ')}]({md_link_target(href)})"
            return f"{text}\n\n{caption}" if caption else text
        text = f"[{label}]({md_link_target(href)})" if href else f"{label} _(file unavailable)_"
        return f"{text}\n\n{caption}" if caption else text

    def _toc(self, block: Block, _: int) -> str:
        top = min((level for level, _, _ in self.toc), default=1)
        return "\n".join(
            "  " * (level - top) + f"- [{self.inline(rt, newline=' ') or 'Untitled'}](#{slug})"
            for level, rt, slug in self.toc
        )

    def _breadcrumb(self, block: Block, _: int) -> str:
        layout = self.ctx.layout
        crumbs = [
            self._doc_link(layout.title(a) or "", a) for a in layout.ancestors(self.ctx.doc_id)
        ]
        crumbs.append(escape_md(layout.title(self.ctx.doc_id) or "Untitled"))
        return " / ".join(crumbs)

    def _unknown(self, block: Block, _: int) -> str:
        kind = str(block.get("type") or "missing")
        self.ctx.note(f"block:{kind}")
        note = f"_(Unsupported Notion block: {escape_md(kind, line_start=False)})_"
        return self._with_kids(note + "\n\n" + self.inline(rich_text_of(block)), block).rstrip()
