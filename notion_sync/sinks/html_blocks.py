"""Notion blocks as semantic HTML5 (the body of an ``.html`` page).

Consecutive list items become one ``<ul>``/``<ol>`` (numbered lists keep their
start and, like Notion, cycle 1 → a → i with depth); toggles are
``<details>``; callouts ``<aside>``; headings shift down one level because the
page title is the ``<h1>``; headings get ids so the table of contents links work,
and a toggle heading is the ``<summary>`` line itself. Blocks the API does not
describe are named by their real type, quietly (:meth:`HtmlBlocks._unknown`).
All text is escaped, all hrefs vetted by the render context. The blocks that hold
no others are in :mod:`notion_sync.sinks.html_leaves`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from notion_sync.sinks.blocks import (
    KNOWN_BLOCKS,
    Heading,
    as_map,
    children,
    payload,
    real_type,
    rich_text_of,
)
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.html_inline import attr, color_class, heading_anchor, text
from notion_sync.sinks.html_leaves import Block, HtmlLeaves

__all__ = ["HtmlBlocks"]

_LIST_TAGS = {"bulleted_list_item": "ul", "numbered_list_item": "ol", "to_do": "ul"}
_MEDIA = ("image", "video", "pdf", "file", "audio")
_OL_TYPES = ("1", "a", "i")
#: Block types Notion's own HTML export leaves out: they do something, they show nothing.
_OMITTED = frozenset({"button"})
_UNSUPPORTED_NAMES = {
    "ai_block": "AI block",
    "meeting_notes": "AI meeting notes",
    "transcription": "Transcription",
    "unsupported": "Unsupported block",
}


class HtmlBlocks(HtmlLeaves):
    """Renders block trees of one page."""

    def __init__(self, ctx: RenderContext, heads: list[Heading]) -> None:
        super().__init__(ctx, heads)
        self._dispatch: dict[str, Callable[[Block, int], str]] = {
            "paragraph": self._paragraph,
            "toggle": self._toggle,
            "quote": self._quote,
            "callout": self._callout,
            "code": self._code,
            "equation": self._equation,
            "divider": lambda b, d: "<hr>",
            "table": self._table,
            "column_list": self._columns,
            "column": self._column,
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
            "bookmark": self._link_block,
            "embed": self._link_block,
            "link_preview": self._link_block,
        }
        for level in range(1, 5):
            self._dispatch[f"heading_{level}"] = self._heading
        for kind in _MEDIA:
            self._dispatch[kind] = self._media

    def blocks(self, blocks: list[Block], depth: int = 0) -> str:
        out: list[str] = []
        i = 0
        while i < len(blocks):
            kind = str(blocks[i].get("type"))
            if kind in _LIST_TAGS and kind in KNOWN_BLOCKS:
                j = i
                while j < len(blocks) and blocks[j].get("type") == kind:
                    j += 1
                out.append(self._list(blocks[i:j], kind, depth))
                i = j
                continue
            out.append(self.block(blocks[i], depth))
            i += 1
        return "\n".join(part for part in out if part)

    def block(self, block: Block, depth: int = 0) -> str:
        kind = block.get("type")
        handler = self._dispatch.get(kind) if kind in KNOWN_BLOCKS else None
        return (handler or self._unknown)(block, depth)

    def _kids(self, block: Block, depth: int) -> str:
        return self.blocks(children(block), depth)

    def _indented(self, block: Block, depth: int) -> str:
        kids = self._kids(block, depth + 1)
        return f'\n<div class="indented">\n{kids}\n</div>' if kids else ""

    def _list(self, items: list[Block], kind: str, depth: int) -> str:
        tag = _LIST_TAGS[kind]
        attrs = ' class="to-do-list"' if kind == "to_do" else ""
        if kind == "numbered_list_item":
            first = payload(items[0])
            start = first.get("list_start_index")
            fmt = first.get("list_format")
            kind_attr = {"numbers": "1", "letters": "a", "roman": "i"}.get(
                str(fmt), _OL_TYPES[depth % 3]
            )
            attrs = f' type="{kind_attr}"' + (
                f' start="{start}"' if isinstance(start, int) and start != 1 else ""
            )
        lis = []
        for item in items:
            body = payload(item)
            content = self.inline(body.get("rich_text"))
            if kind == "to_do":
                checked = " checked" if body.get("checked") else ""
                state = "checked" if checked else "unchecked"
                content = (
                    f'<input type="checkbox" disabled{checked}> '
                    f'<span class="{state}">{content}</span>'
                )
            kids = self._kids(item, depth + 1)
            nested = f"\n{kids}\n" if kids else ""
            lis.append(f"<li{color_class(body)}>{content}{nested}</li>")
        return f"<{tag}{attrs}>\n" + "\n".join(lis) + f"\n</{tag}>"

    def _paragraph(self, block: Block, depth: int) -> str:
        body = payload(block)
        return f"<p{color_class(body)}>{self.inline(body.get('rich_text'))}</p>" + self._indented(
            block, depth
        )

    def _heading(self, block: Block, depth: int) -> str:
        level = min(int(str(block.get("type"))[-1]) + 1, 6)
        body = payload(block)
        anchor = heading_anchor(str(block.get("id") or ""))
        head = (
            f'<h{level} id="{attr(anchor)}"{color_class(body)}>'
            f"{self.inline(body.get('rich_text'))}</h{level}>"
        )
        if body.get("is_toggleable"):
            kids = self._kids(block, depth + 1)
            return (
                f'<details class="toggle-heading">\n<summary>{head}</summary>'
                + (f"\n{kids}" if kids else "")
                + "\n</details>"
            )
        return head + self._indented(block, depth)

    def _toggle(self, block: Block, depth: int) -> str:
        body = payload(block)
        kids = self._kids(block, depth + 1)
        return (
            f"<details{color_class(body)}>\n<summary>{self.inline(body.get('rich_text'))}"
            f"</summary>\n{kids}\n</details>"
        )

    def _quote(self, block: Block, depth: int) -> str:
        body = payload(block)
        kids = self._kids(block, depth + 1)
        return (
            f"<blockquote{color_class(body)}>\n<p>{self.inline(body.get('rich_text'))}</p>"
            + (f"\n{kids}" if kids else "")
            + "\n</blockquote>"
        )

    def _callout(self, block: Block, depth: int) -> str:
        body = payload(block)
        icon = as_map(body.get("icon"))
        mark = ""
        if icon.get("type") == "emoji":
            mark = text(str(icon.get("emoji") or ""))
        else:
            href = self.ctx.file_object_href(icon)
            mark = f'<img src="{attr(href)}" alt="">' if href else ""
        kids = self._kids(block, depth + 1)
        color = color_class(body).replace('class="', 'class="callout ') or ' class="callout"'
        return (
            f'<aside{color}>\n<div class="callout-icon" aria-hidden="true">{mark}</div>\n'
            f'<div class="callout-body">\n<p>{self.inline(body.get("rich_text"))}</p>'
            + (f"\n{kids}" if kids else "")
            + "\n</div>\n</aside>"
        )

    def _columns(self, block: Block, depth: int) -> str:
        cols = "\n".join(self._column(c, depth) for c in children(block))
        return f'<div class="column-list">\n{cols}\n</div>'

    def _column(self, block: Block, depth: int) -> str:
        ratio = payload(block).get("width_ratio")
        style = (
            f' style="flex: {float(ratio):.4g} 1 0"'
            if isinstance(ratio, int | float) and not isinstance(ratio, bool) and 0 < ratio < 100
            else ""
        )
        return f'<div class="column"{style}>\n{self._kids(block, depth)}\n</div>'

    def _tab(self, block: Block, depth: int) -> str:
        """Tabs: each child is a tab whose text is its label and whose children its panel."""
        panels = []
        for tab in children(block):
            label = self.inline(rich_text_of(tab))
            head = f'<p class="tab-label"><strong>{label}</strong></p>\n' if label else ""
            kids = self._kids(tab, depth)
            panels.append(f'<section class="tab-panel">\n{head}{kids}\n</section>')
        return '<div class="tabs">\n' + "\n".join(panels) + "\n</div>"

    def _synced(self, block: Block, depth: int) -> str:
        kids = self._kids(block, depth)
        if kids or not isinstance(payload(block).get("synced_from"), Mapping):
            return f'<div class="synced-block">\n{kids}\n</div>' if kids else ""
        return '<p class="note">Synced content whose original was not exported.</p>'

    def _container(self, block: Block, depth: int) -> str:
        label = self.inline(rich_text_of(block))
        inner = [f"<p>{label}</p>" if label else "", self._kids(block, depth)]
        kind = attr(str(block.get("type")))
        return f'<div class="{kind}">\n' + "\n".join(p for p in inner if p) + "\n</div>"

    def _unknown(self, block: Block, depth: int) -> str:
        """A block the API does not describe: quiet, as Notion's own export treats it.

        Its real type is the block's ``type``, or for ``unsupported`` blocks the
        ``block_type`` newer API versions name. Types Notion's export leaves out
        (buttons) are left out; others keep whatever text and children they carry
        under a muted label naming the type.
        """
        kind = real_type(block)
        self.ctx.note(f"block:{kind}")
        if kind in _OMITTED:
            return ""
        label = self.inline(rich_text_of(block))
        name = _UNSUPPORTED_NAMES.get(kind, kind.replace("_", " "))
        inner = [
            f'<p class="unsupported-label">{text(name)} (not available through the Notion API)</p>',
            f"<p>{label}</p>" if label else "",
            self._kids(block, depth),
        ]
        return (
            f'<div class="unsupported" data-block-type="{attr(kind)}">\n'
            + "\n".join(p for p in inner if p)
            + "\n</div>"
        )
