"""Notion blocks as semantic HTML5 (the body of an ``.html`` page).

Consecutive list items become one ``<ul>``/``<ol>`` (numbered lists keep their
start and, like Notion, cycle 1 → a → i with depth); toggles are
``<details>``; callouts ``<aside>``; headings shift down one level because the
page title is the ``<h1>``; headings get ids so the table of contents links work.
All text is escaped, all hrefs vetted by the render context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from notion_sync.sinks.blocks import (
    KNOWN_BLOCKS,
    Heading,
    as_map,
    children,
    code_language,
    payload,
    rich_text_of,
    table_grid,
)
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.html_inline import attr, color_class, heading_anchor, render_spans_html, text
from notion_sync.sinks.media import media_html
from notion_sync.sinks.richtext import plain_text, spans

__all__ = ["HtmlBlocks"]

Block = Mapping[str, Any]
_LIST_TAGS = {"bulleted_list_item": "ul", "numbered_list_item": "ol", "to_do": "ul"}
_MEDIA = ("image", "video", "pdf", "file", "audio")
_OL_TYPES = ("1", "a", "i")


class HtmlBlocks:
    """Renders block trees of one page."""

    def __init__(self, ctx: RenderContext, heads: list[Heading]) -> None:
        self.ctx = ctx
        self.heads = heads
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

    def inline(self, rich_text: object) -> str:
        return render_spans_html(spans(rich_text if isinstance(rich_text, list) else [], self.ctx))

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
                f'<details class="toggle-heading">\n<summary>{head}</summary>\n{kids}\n</details>'
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

    def _code(self, block: Block, _: int) -> str:
        body = payload(block)
        lang = code_language(body.get("language"))
        code = plain_text(body.get("rich_text") if isinstance(body.get("rich_text"), list) else [])
        cls = f' class="language-{attr(lang)}"' if lang else ""
        caption = self.inline(body.get("caption"))
        return (
            f'<figure class="code">\n<pre><code{cls}>{text(code)}</code></pre>'
            + (f"\n<figcaption>{caption}</figcaption>" if caption else "")
            + "\n</figure>"
        )

    def _equation(self, block: Block, _: int) -> str:
        expression = payload(block).get("expression")
        tex = text(expression) if isinstance(expression, str) else ""
        return f'<div class="equation" role="math"><code>{tex}</code></div>'

    def _table(self, block: Block, _: int) -> str:
        body = payload(block)
        rows, width = table_grid(block)
        row_header = bool(body.get("has_row_header"))

        def tr(cells: list[Any], header: bool) -> str:
            tds = []
            for i in range(width):
                inner = self.inline(cells[i]) if i < len(cells) else ""
                if header:
                    tds.append(f'<th scope="col">{inner}</th>')
                elif row_header and i == 0:
                    tds.append(f'<th scope="row">{inner}</th>')
                else:
                    tds.append(f"<td>{inner}</td>")
            return "<tr>" + "".join(tds) + "</tr>"

        head = ""
        if body.get("has_column_header") and rows:
            head, rows = f"<thead>{tr(rows[0], True)}</thead>\n", rows[1:]
        body_rows = "\n".join(tr(r, False) for r in rows)
        return f'<table class="simple-table">\n{head}<tbody>\n{body_rows}\n</tbody>\n</table>'

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

    def _doc_link(self, title: str, target: str | None, icon: str = "📄") -> str:
        href = self.ctx.page_href(target)
        label = text(title or "Untitled")
        inner = f'<span class="icon" aria-hidden="true">{icon}</span> {label}'
        return (
            f'<p class="link-to-page"><a href="{attr(href)}">{inner}</a></p>'
            if href
            else f'<p class="link-to-page">{inner}</p>'
        )

    def _child_page(self, block: Block, _: int) -> str:
        title = payload(block).get("title")
        bid = str(block.get("id") or "")
        return self._doc_link(str(title or "") or self.ctx.title_of(bid) or "", bid)

    def _child_database(self, block: Block, _: int) -> str:
        bid = str(block.get("id") or "")
        title = str(payload(block).get("title") or "")
        sources = self.ctx.layout.sources(bid)
        if not sources:
            return self._doc_link(title, bid, "🗃")
        return "\n".join(self._doc_link(self.ctx.layout.title(s) or title, s, "🗃") for s in sources)

    def _link_to_page(self, block: Block, _: int) -> str:
        body = payload(block)
        kind = body.get("type")
        target = body.get(kind) if isinstance(kind, str) else None
        target = target if isinstance(target, str) else None
        return self._doc_link(self.ctx.title_of(target) or "", target, "↗")

    def _link_block(self, block: Block, _: int) -> str:
        body = payload(block)
        url = body.get("url")
        href = self.ctx.link_href(url)
        caption = self.inline(body.get("caption"))
        label = caption or text(str(url or block.get("type")))
        kind = attr(str(block.get("type")))
        inner = f'<a href="{attr(href)}">{label}</a>' if href else label
        return f'<p class="{kind}">{inner}</p>'

    def _media(self, block: Block, _: int) -> str:
        body = payload(block)
        return media_html(
            str(block.get("type")),
            body,
            self.ctx.file_object_href(body),
            self.inline(body.get("caption")),
        )

    def _toc(self, block: Block, _: int) -> str:
        items = [
            f'<li class="toc-{level}"><a href="#{attr(heading_anchor(bid))}">'
            f"{self.inline(rt) or 'Untitled'}</a></li>"
            for level, rt, bid in self.heads
        ]
        return '<nav class="table-of-contents">\n<ul>\n' + "\n".join(items) + "\n</ul>\n</nav>"

    def _breadcrumb(self, block: Block, _: int) -> str:
        layout = self.ctx.layout
        crumbs = []
        for a in layout.ancestors(self.ctx.doc_id):
            href = attr(self.ctx.doc_href(a) or "")
            crumbs.append(f'<a href="{href}">{text(layout.title(a) or "Untitled")}</a>')
        here = layout.title(self.ctx.doc_id) or "Untitled"
        crumbs.append(f"<span>{text(here)}</span>")
        return '<nav class="breadcrumb-block">' + " / ".join(crumbs) + "</nav>"

    def _container(self, block: Block, depth: int) -> str:
        label = self.inline(rich_text_of(block))
        inner = [f"<p>{label}</p>" if label else "", self._kids(block, depth)]
        kind = attr(str(block.get("type")))
        return f'<div class="{kind}">\n' + "\n".join(p for p in inner if p) + "\n</div>"

    def _unknown(self, block: Block, depth: int) -> str:
        kind = str(block.get("type") or "missing")
        self.ctx.note(f"block:{kind}")
        label = self.inline(rich_text_of(block))
        inner = [
            f'<p class="note">Unsupported Notion block: <code>{text(kind)}</code></p>',
            f"<p>{label}</p>" if label else "",
            self._kids(block, depth),
        ]
        return '<div class="unsupported">\n' + "\n".join(p for p in inner if p) + "\n</div>"
