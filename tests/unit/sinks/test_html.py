"""HTML pages parsed back: structure per block type, escaping, links, data source tables."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.html import HtmlRenderer, render_index, stylesheet
from notion_sync.sinks.layout import build_layout
from notion_sync.store.documents import index_entry
from tests.unit.sinks.builders import (
    OTHER_ID,
    PAGE_ID,
    ROW_ID,
    SOURCE_ID,
    block,
    doc_of,
    equation,
    make_ctx,
    page,
    page_doc,
    para,
    rt,
    source_doc,
)
from tests.unit.sinks.htmlcheck import Parsed, parse_html

JSON = dict[str, Any]
GOLDEN = Path(__file__).parents[2] / "golden"


def render_with(
    blocks: list[JSON], others: list[JSON] | None = None, **kw: Any
) -> tuple[str, Parsed, RenderContext]:
    doc = page_doc(blocks, **kw)
    ctx = make_ctx([doc, *(others or [])], doc, ".html")
    text = HtmlRenderer().render(doc, ctx).decode()
    parsed = parse_html(text)
    assert parsed.errors == [], parsed.errors
    assert parsed.doctype == "DOCTYPE html"
    return text, parsed, ctx


def render(blocks: list[JSON], others: list[JSON] | None = None, **kw: Any) -> tuple[str, Parsed]:
    text, parsed, _ = render_with(blocks, others, **kw)
    return text, parsed


def visible_text(text: str) -> str:
    """What a browser shows."""
    return parse_html(text).text


def body_of(text: str) -> str:
    return text.split('<div class="page-body">\n', 1)[1].rsplit("\n</div>\n</article>", 1)[0]


def test_page_shell_is_standalone_html5_with_shared_stylesheet_and_breadcrumb() -> None:
    text, parsed = render([para("x")])
    assert parsed.tags[:6] == ["html", "head", "meta", "meta", "title", "link"]
    assert parsed.links()[0] == "style.css"
    assert "index.html" in parsed.links()
    assert "<title>Page</title>" in text
    assert '<h1 class="page-title">Page</h1>' in text


def test_a_subpage_is_titled_by_its_own_name_and_its_breadcrumb_by_its_ancestors() -> None:
    home = page_doc(title="Home & co")
    sub = page_doc(page_id=OTHER_ID, title="Sub", parent={"type": "page_id", "page_id": PAGE_ID})
    ctx = make_ctx([home, sub], sub, ".html")
    text = HtmlRenderer().render(sub, ctx).decode()
    assert "<title>Sub</title>" in text
    crumbs = text.split('<nav class="breadcrumb" aria-label="Breadcrumb">', 1)[1].split("</nav>")[0]
    home_link = '<a href="../Home%20&amp;%20co%20c3d4e5f6.html">Home &amp; co</a>'
    assert crumbs == f'<a href="../index.html">Index</a> / {home_link}'


@pytest.mark.parametrize(
    ("blk", "expected"),
    [
        (para("Hi"), "<p>Hi</p>"),
        (block("heading_1", {"rich_text": [rt("H")]}, block_id="h1"), '<h2 id="h-h1">H</h2>'),
        (
            block("heading_3", {"rich_text": [rt("H")], "color": "red"}, block_id="h3"),
            '<h4 id="h-h3" class="color-red">H</h4>',
        ),
        (block("quote", {"rich_text": [rt("q")]}), "<blockquote>\n<p>q</p>\n</blockquote>"),
        (block("divider"), "<hr>"),
        (
            block("equation", {"expression": "a<b"}),
            '<div class="equation"><math display="block"><mrow><mi>a</mi>'
            "<mo>&lt;</mo><mi>b</mi></mrow></math></div>",
        ),
        (
            block("code", {"rich_text": [rt("<b>")], "language": "plain text", "caption": []}),
            '<figure class="code">\n<pre><code>&lt;b&gt;</code></pre>\n</figure>',
        ),
        (
            block("toggle", {"rich_text": [rt("T")]}, [para("in")]),
            "<details>\n<summary>T</summary>\n<p>in</p>\n</details>",
        ),
        (
            block(
                "callout",
                {
                    "rich_text": [rt("c")],
                    "icon": {"type": "emoji", "emoji": "⚠️"},
                    "color": "gray_background",
                },
            ),
            '<aside class="callout highlight-gray">\n<div class="callout-icon" aria-hidden="true">⚠️'
            '</div>\n<div class="callout-body">\n<p>c</p>\n</div>\n</aside>',
        ),
        (
            block("bookmark", {"url": "javascript:alert(1)", "caption": []}),
            '<figure class="link-card bookmark">\n<span class="card">'
            '<span class="card-title">javascript:alert(1)</span></span>\n</figure>',
        ),
        (
            block("bookmark", {"url": "https://e.com/x", "caption": [rt("Read "), rt("this")]}),
            '<figure class="link-card bookmark">\n<a class="card" href="https://e.com/x">'
            '<span class="card-title">Read this</span><span class="card-url">https://e.com/x</span>'
            "</a>\n</figure>",
        ),
        (
            block("embed", {"url": "https://e.com/x", "caption": []}),
            '<figure class="link-card embed">\n<a class="card" href="https://e.com/x">'
            '<span class="card-title">https://e.com/x</span></a>\n</figure>',
        ),
        (
            block("mystery", {"rich_text": [rt("kept")]}),
            '<div class="unsupported" data-block-type="mystery">\n<p class="unsupported-label">'
            "mystery (not available through the Notion API)</p>\n<p>kept</p>\n</div>",
        ),
    ],
)
def test_blocks(blk: JSON, expected: str) -> None:
    text, _ = render([blk])
    assert body_of(text) == expected


def test_lists_group_nest_and_cycle_numbering_like_notion() -> None:
    text, _ = render(
        [
            block(
                "numbered_list_item",
                {"rich_text": [rt("1")], "list_start_index": 3},
                [block("numbered_list_item", {"rich_text": [rt("1a")]})],
            ),
            block("numbered_list_item", {"rich_text": [rt("2")]}),
            block("bulleted_list_item", {"rich_text": [rt("b")]}),
            block("to_do", {"rich_text": [rt("t")], "checked": True}),
        ]
    )
    assert body_of(text) == (
        '<ol type="1" start="3">\n<li>1\n<ol type="a">\n<li>1a</li>\n</ol>\n</li>\n<li>2</li>\n'
        "</ol>\n<ul>\n<li>b</li>\n</ul>\n"
        '<ul class="to-do-list">\n<li><input type="checkbox" disabled checked> '
        '<span class="checked">t</span></li>\n</ul>'
    )


def test_table_headers_scopes_and_padding() -> None:
    text, _ = render(
        [
            block(
                "table",
                {"table_width": 2, "has_column_header": True, "has_row_header": True},
                [
                    block("table_row", {"cells": [[rt("A")], [rt("B")]]}),
                    block("table_row", {"cells": [[rt("r")]]}),
                ],
            )
        ]
    )
    assert body_of(text) == (
        '<div class="table-wrap">\n<table class="simple-table">\n<thead><tr><th scope="col">A</th>'
        '<th scope="col">B</th></tr></thead>\n<tbody>\n<tr><th scope="row">r</th><td></td></tr>\n'
        "</tbody>\n</table>\n</div>"
    )


def test_columns_media_and_links() -> None:
    url = "https://s3/x.png?sig=1"
    other = page_doc(
        page_id=OTHER_ID, title="Other", parent={"type": "page_id", "page_id": PAGE_ID}
    )
    doc_files = {url: {"sha256": "c" * 64, "name": "x.png", "size": 1, "content_type": "image/png"}}
    doc = page_doc(
        [
            block(
                "column_list",
                {},
                [
                    block("column", {"width_ratio": 0.25}, [para("L")]),
                    block("column", {}, [para("R")]),
                ],
            ),
            block("image", {"type": "file", "file": {"url": url}, "caption": [rt("cap")]}),
            block("video", {"type": "file", "file": {"url": url}, "caption": []}),
            block("child_page", {"title": "Other"}, block_id=OTHER_ID),
        ]
    )
    doc["files"] = doc_files
    ctx = make_ctx([doc, other], doc, ".html")
    parsed = parse_html(HtmlRenderer().render(doc, ctx).decode())
    assert parsed.errors == []
    assert "Page%20c3d4e5f6/x.png" in parsed.sources()
    assert "Page%20c3d4e5f6/Other%20e4e4e4e4.html" in parsed.links()
    assert [a.get("style") for t, a in parsed.attrs if a.get("class") == "column"] == [
        "flex: 0.25 1 0",
        None,
    ]
    assert "video" in parsed.tags and "figcaption" in parsed.tags


def test_hostile_content_is_inert() -> None:
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    _, parsed = render(
        [
            para(evil),
            block("paragraph", {"rich_text": [rt("click", "javascript:alert(3)")]}),
            block("paragraph", {"rich_text": [rt("x", color='red" onclick="alert(4)')]}),
            block(
                "image",
                {"type": "external", "external": {"url": "javascript:alert(5)"}, "caption": []},
            ),
            block('"><script>', {}),
        ],
        title=evil,
    )
    assert "script" not in parsed.tags
    assert [t for t in parsed.tags if t == "img"] == []
    assert all(not k.startswith("on") for _, a in parsed.attrs for k in a)
    assert not any(v and "javascript" in v.lower() for _, a in parsed.attrs for v in a.values())
    assert evil in parsed.text  # shown as text, exactly


def test_data_source_page_is_a_table_linking_rows() -> None:
    row = page(
        ROW_ID,
        title="Row <1>",
        parent={"type": "data_source_id", "data_source_id": SOURCE_ID},
        properties={
            "Done": {"id": "d", "type": "checkbox", "checkbox": True},
            "Site": {"id": "u", "type": "url", "url": "javascript:x"},
        },
    )
    source = source_doc(
        {
            "Done": {"id": "d", "type": "checkbox", "checkbox": {}},
            "title": {"id": "title", "type": "title", "title": {}},
            "Site": {"id": "u", "type": "url", "url": {}},
        },
        [row],
    )
    row_doc = doc_of(row)
    ctx = make_ctx([source, row_doc], source, ".html")
    parsed = parse_html(HtmlRenderer().render(source, ctx).decode())
    assert parsed.errors == []
    heads = [a.get("scope") for t, a in parsed.attrs if t == "th"]
    assert heads == ["col", "col", "col", "row"]
    assert "Tasks%209c9c9c9c/Row%201%201e1e1e1e.html" in parsed.links()
    assert "Row <1>" in parsed.text and "javascript:x" in parsed.text
    assert not any("javascript" in h for h in parsed.links())


def test_index_nests_the_whole_tree() -> None:
    home = page_doc(title="Home")
    sub = page_doc(
        page_id=OTHER_ID, title="Sub & <co>", parent={"type": "page_id", "page_id": PAGE_ID}
    )
    layout = build_layout([index_entry(home), index_entry(sub)])
    parsed = parse_html(b"".join(render_index(layout, "My <WS>")).decode())
    assert parsed.errors == []
    assert parsed.links() == [
        "style.css",
        "Home%20c3d4e5f6.html",
        "Home%20c3d4e5f6/Sub%20&%20co%20e4e4e4e4.html",
    ]
    assert "My <WS>" in parsed.text and "Sub & <co>" in parsed.text


def test_golden_html_page() -> None:
    """A small page against a hand-written expected file."""
    text, _ = render(
        [
            block("heading_1", {"rich_text": [rt("Plan")]}, block_id="h1"),
            block(
                "paragraph",
                {
                    "rich_text": [
                        rt("Ship "),
                        rt("v2", bold=True),
                        rt(" by "),
                        rt("Friday", "https://cal.example/fri", italic=True),
                    ]
                },
            ),
            block("bulleted_list_item", {"rich_text": [rt("tests")]}),
            block("to_do", {"rich_text": [rt("docs")], "checked": False}),
            block("to_do", {"rich_text": [rt("design")], "checked": True}),
            block(
                "heading_2",
                {"rich_text": [rt("Details")], "is_toggleable": True},
                [
                    block(
                        "paragraph",
                        {"rich_text": [rt("Cost grows as "), equation(r"O(n \log n)")]},
                    ),
                    block("equation", {"expression": r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}"}),
                    block(
                        "code",
                        {
                            "rich_text": [rt('print("ship")')],
                            "language": "python",
                            "caption": [rt("The launch")],
                        },
                    ),
                ],
                block_id="h2",
            ),
            block("bookmark", {"url": "https://notion.so/spec", "caption": [rt("The spec")]}),
            block("unsupported", {"block_type": "button"}),
        ],
        title="Roadmap",
        icon={"type": "emoji", "emoji": "🗺️"},
    )
    assert text == (GOLDEN / "html" / "roadmap.html").read_text(encoding="utf-8")


def test_equations_are_mathml_with_no_tex_left_in_the_source() -> None:
    cases = r"f(x)=\begin{cases} 1 & x>0 \\ 0 & \text{else}\end{cases}"
    aligned = r"\begin{aligned} a &= b \\ c &= d \end{aligned}"
    text, _, ctx = render_with(
        [
            block("equation", {"expression": cases}, block_id="e1"),
            block("equation", {"expression": aligned}, block_id="e2"),
            block("paragraph", {"rich_text": [rt("so "), equation("$$x^2$$"), rt(".")]}),
        ]
    )
    body = body_of(text)
    assert body.count('<div class="equation"><math display="block">') == 2
    assert "<mtable" in body  # the cases and the aligned rows are a table, not raw "&"
    assert "<p>so <math>" in body and "<msup><mi>x</mi><mn>2</mn></msup>" in body
    assert "\\begin" not in text and "$$" not in text
    shown = visible_text(text)
    assert "\\begin" not in shown and "$$" not in shown and "&" not in shown
    assert ctx.stats == {}


def test_tex_that_does_not_convert_is_shown_as_tex_and_counted() -> None:
    text, _, ctx = render_with(
        [
            block("equation", {"expression": "a_"}),
            block("paragraph", {"rich_text": [equation(r"\ce{H2O}")]}),
        ]
    )
    assert body_of(text) == (
        '<div class="equation"><code>a_</code></div>\n'
        '<p><code class="equation" title="TeX">\\ce{H2O}</code></p>'
    )
    assert ctx.stats == {"equation:unconverted": 2}


def test_hostile_tex_is_inert() -> None:
    _, parsed = render(
        [
            block("equation", {"expression": r"\text{<script>alert(1)</script>}"}),
            block("equation", {"expression": r"\href{javascript:alert(2)}{x}"}),
            block("equation", {"expression": r'\color{red" onmouseover="alert(3)}{x}'}),
        ]
    )
    assert "script" not in parsed.tags
    math_attrs = [k for t, a in parsed.attrs if t not in ("a", "link") for k in a]
    assert "href" not in math_attrs and "onmouseover" not in math_attrs
    assert not any(v and "javascript" in v for _, a in parsed.attrs for v in a.values())
    assert "<script>alert(1)</script>" in parsed.text  # shown as text


def test_code_is_highlighted_with_classes_only_and_keeps_its_text_exactly() -> None:
    source = 'def f(x):\n\treturn x + 1  # <b> & "q"\n\n'

    def code(language: str, text: str = source) -> JSON:
        return block("code", {"rich_text": [rt(text)], "language": language, "caption": []})

    page = [code("python"), code("java/c/c++/c#", "int x;"), code("mermaid", "A-->B")]
    first, parsed = render(page)
    second, _ = render(page)
    assert first == second
    bodies = re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", body_of(first), re.S)
    assert [unescape(re.sub(r"<[^>]*>", "", b)) for b in bodies] == [source, "int x;", "A-->B"]
    assert '<span class="k">def</span>' in bodies[0] and '<span class="c1">' in bodies[0]
    assert '<span class="kt">int</span>' in bodies[1]  # Notion's "Java/C/C++/C#" as Java
    assert bodies[2] == "A--&gt;B"  # no lexer: plain text
    assert all("style" not in a for _, a in parsed.attrs)


def test_stylesheet_styles_the_tokens_and_loads_nothing() -> None:
    css = stylesheet().decode()
    for token in (".code .k,", ".code .s,", ".code .c,", ".code .nf,", ".code .mi,"):
        assert token in css
    assert re.findall(r"url\((?!\"data:)", css) == []


def test_unsupported_blocks_name_their_type_and_buttons_are_left_out() -> None:
    text, _, ctx = render_with(
        [
            block("unsupported", {"block_type": "button"}, block_id="u1"),
            block("unsupported", {"block_type": "ai_block"}, [para("summary")], block_id="u2"),
            block("unsupported", None, block_id="u3"),
            block("button", {}, block_id="u4"),
        ]
    )
    assert body_of(text) == (
        '<div class="unsupported" data-block-type="ai_block">\n'
        '<p class="unsupported-label">AI block (not available through the Notion API)</p>\n'
        "<p>summary</p>\n</div>\n"
        '<div class="unsupported" data-block-type="unsupported">\n'
        '<p class="unsupported-label">Unsupported block (not available through the Notion API)'
        "</p>\n</div>"
    )
    assert ctx.stats == {"block:button": 2, "block:ai_block": 1, "block:unsupported": 1}


def test_a_toggle_heading_is_the_summary_line_and_keeps_its_anchor() -> None:
    text, _ = render(
        [
            block(
                "heading_2", {"rich_text": [rt("More")], "is_toggleable": True}, [para("in")], "t"
            ),
            block("table_of_contents", {}),
        ]
    )
    assert body_of(text).startswith(
        '<details class="toggle-heading">\n<summary><h3 id="h-t">More</h3></summary>\n'
        "<p>in</p>\n</details>"
    )
    assert '<a href="#h-t">More</a>' in text


def test_database_cells_that_may_be_cut_carry_their_whole_text_as_a_tooltip() -> None:
    long = "A note long enough to be cut\nover two lines"
    row = page(
        ROW_ID,
        title="Row",
        parent={"type": "data_source_id", "data_source_id": SOURCE_ID},
        properties={"Notes": {"id": "n", "type": "rich_text", "rich_text": [rt(long)]}},
    )
    source = source_doc(
        {
            "Name": {"id": "title", "type": "title", "title": {}},
            "Notes": {"id": "n", "type": "rich_text", "rich_text": {}},
        },
        [row],
    )
    ctx = make_ctx([source], source, ".html")
    parsed = parse_html(HtmlRenderer().render(source, ctx).decode())
    titles = [a.get("title") for t, a in parsed.attrs if t in ("th", "td")]
    assert titles == [None, None, None, long]  # "Name", "Notes", "Row": never cut
