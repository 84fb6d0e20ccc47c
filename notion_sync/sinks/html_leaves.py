"""Blocks that hold no other blocks, as HTML: code, equations, simple tables, links.

The base of :class:`~notion_sync.sinks.html_blocks.HtmlBlocks`, which adds the
blocks that nest. Code is highlighted and equations drawn as MathML at write
time, so pages need no script; bookmarks and embeds are cards showing their URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from notion_sync.sinks.blocks import Heading, code_language, payload, table_grid
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.html_code import highlight_code
from notion_sync.sinks.html_inline import attr, heading_anchor, render_spans_html, text
from notion_sync.sinks.html_math import equation_html
from notion_sync.sinks.media import link_card, media_html
from notion_sync.sinks.richtext import plain_text, spans

__all__ = ["HtmlLeaves"]

Block = Mapping[str, Any]


class HtmlLeaves:
    """The leaf blocks of one page, and its rich text (equations as MathML)."""

    def __init__(self, ctx: RenderContext, heads: list[Heading]) -> None:
        self.ctx = ctx
        self.heads = heads
        self.math = partial(equation_html, ctx=ctx)

    def inline(self, rich_text: object) -> str:
        rich = rich_text if isinstance(rich_text, list) else []
        return render_spans_html(spans(rich, self.ctx), self.math)

    def _code(self, block: Block, _: int) -> str:
        body = payload(block)
        lang = code_language(body.get("language"))
        code = plain_text(body.get("rich_text") if isinstance(body.get("rich_text"), list) else [])
        cls = f' class="language-{attr(lang)}"' if lang else ""
        caption = self.inline(body.get("caption"))
        shown = highlight_code(code, body.get("language"))
        return (
            f'<figure class="code">\n<pre><code{cls}>{shown}</code></pre>'
            + (f"\n<figcaption>{caption}</figcaption>" if caption else "")
            + "\n</figure>"
        )

    def _equation(self, block: Block, _: int) -> str:
        expression = payload(block).get("expression")
        tex = expression if isinstance(expression, str) else ""
        return f'<div class="equation">{equation_html(tex, self.ctx, display=True)}</div>'

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
        return (
            f'<div class="table-wrap">\n<table class="simple-table">\n{head}<tbody>\n'
            f"{body_rows}\n</tbody>\n</table>\n</div>"
        )

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
        caption = body.get("caption")
        return link_card(
            str(block.get("type")),
            url if isinstance(url, str) else "",
            self.ctx.link_href(url),
            plain_text(caption if isinstance(caption, list) else []),
        )

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
