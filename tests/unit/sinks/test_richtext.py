"""Rich text in Markdown and HTML: annotations, links, mentions, escaping."""

from __future__ import annotations

from typing import Any

import pytest

from notion_sync.sinks.html_inline import render_spans_html
from notion_sync.sinks.md_inline import render_spans_md
from notion_sync.sinks.richtext import spans
from notion_sync.sinks.urls import notion_target, safe_url
from tests.unit.sinks.builders import OTHER_ID, PAGE_ID, equation, make_ctx, mention, page_doc, rt

JSON = dict[str, Any]
OTHER_HEX = OTHER_ID.replace("-", "")


def both(items: list[JSON], users: dict[str, str] | None = None) -> tuple[str, str]:
    home = page_doc()
    other = page_doc(
        page_id=OTHER_ID, title="Other Page", parent={"type": "page_id", "page_id": PAGE_ID}
    )
    ctx = make_ctx([home, other], home, users=users)
    got = spans(items, ctx)
    return render_spans_md(got), render_spans_html(got)


@pytest.mark.parametrize(
    ("flags", "md", "html"),
    [
        ({"bold": True}, "**b**", "<strong>b</strong>"),
        ({"italic": True}, "*b*", "<em>b</em>"),
        ({"strikethrough": True}, "~~b~~", "<s>b</s>"),
        ({"underline": True}, "<u>b</u>", "<u>b</u>"),
        ({"code": True}, "`b`", "<code>b</code>"),
        ({"color": "red"}, '<span style="color: red">b</span>', '<span class="color-red">b</span>'),
        (
            {"color": "yellow_background"},
            '<mark class="highlight-yellow">b</mark>',
            '<mark class="highlight-yellow">b</mark>',
        ),
        ({"color": "red;background:url(x)"}, "b", "b"),
        ({"bold": True, "italic": True}, "***b***", "<em><strong>b</strong></em>"),
    ],
)
def test_annotations(flags: JSON, md: str, html: str) -> None:
    assert both([rt("b", **flags)]) == (md, html)


def test_spaces_stay_outside_emphasis_markers() -> None:
    md, _ = both([rt("a"), rt(" bold ", bold=True), rt("b")])
    assert md == "a **bold** b"


def test_code_spans_hold_backticks() -> None:
    assert both([rt("a`b", code=True)])[0] == "``a`b``"
    assert both([rt("`x`", code=True)])[0] == "`` `x` ``"


def test_markdown_special_characters_are_escaped_only_where_they_are_syntax() -> None:
    md, html = both([rt("*a* _b_ [c](d) <e> |f| ~g~ $h$ & `i` \\ # 1. -")])
    assert md == "\\*a\\* \\_b\\_ \\[c\\](d) \\<e> \\|f\\| \\~g\\~ \\$h\\$ & \\`i\\` \\ # 1. -"
    assert html == "*a* _b_ [c](d) &lt;e&gt; |f| ~g~ $h$ &amp; `i` \\ # 1. -"
    md, _ = both([rt("0.0 notion_to_md R&D &amp; a > b < c C:\\dir\\ x\\*")])
    assert md == "0.0 notion_to_md R&D \\&amp; a > b < c C:\\dir\\ x\\\\\\*"


@pytest.mark.parametrize(
    ("text", "md"),
    [
        ("# not a heading", "\\# not a heading"),
        ("- not a list", "\\- not a list"),
        ("+ plus", "\\+ plus"),
        ("1. not ordered", "1\\. not ordered"),
        ("1.5 is a number", "1.5 is a number"),
        ("-5 degrees", "-5 degrees"),
        ("#hashtag", "#hashtag"),
        ("---", "\\---"),
        ("==", "\\=="),
        ("> not quote", "\\> not quote"),
        ("line\n# second", "line\\\n\\# second"),
    ],
)
def test_line_start_markers_are_escaped(text: str, md: str) -> None:
    assert both([rt(text)])[0] == md


def test_links_safe_unsafe_and_notion_internal() -> None:
    md, html = both(
        [
            rt("ok", "https://example.com/a(b)"),
            rt(" bad", "javascript:alert(1)"),
            rt(" int", f"/{OTHER_HEX}"),
            rt(" ext", "https://www.notion.so/ws/Some-Page-99999999999949998999999999999999"),
        ]
    )
    assert md == (
        "[ok](https://example.com/a%28b%29) bad "
        "[int](Page%20c3d4e5f6/Other%20Page%20e4e4e4e4.md) "
        "[ext](https://www.notion.so/99999999999949998999999999999999)"
    )
    assert 'href="javascript' not in html
    assert '<a href="https://example.com/a(b)">ok</a>' in html


def test_mentions_of_every_type() -> None:
    items = [
        mention({"type": "page", "page": {"id": OTHER_ID}}, "Other Page"),
        mention(
            {"type": "database", "database": {"id": "99999999-9999-4999-8999-999999999999"}},
            "Gone DB",
        ),
        mention({"type": "user", "user": {"object": "user", "id": "u-9"}}, ""),
        mention(
            {
                "type": "date",
                "date": {"start": "2024-01-05", "end": "2024-01-07", "time_zone": None},
            },
            "2024-01-05 → 2024-01-07",
        ),
        mention(
            {"type": "date", "date": {"start": "2024-01-05T15:30:00.000+01:00", "time_zone": None}},
            "x",
        ),
        mention(
            {"type": "link_preview", "link_preview": {"url": "https://github.com/a/b"}},
            "https://github.com/a/b",
        ),
        mention(
            {
                "type": "template_mention",
                "template_mention": {
                    "type": "template_mention_date",
                    "template_mention_date": "today",
                },
            },
            "@Today",
        ),
        mention(
            {
                "type": "template_mention",
                "template_mention": {
                    "type": "template_mention_user",
                    "template_mention_user": "me",
                },
            },
            "",
        ),
        mention(
            {"type": "link_mention", "link_mention": {"href": "https://x.org/p", "title": "X"}}, ""
        ),
        mention({"type": "future_mention", "future_mention": {}}, "kept text"),
    ]
    md, html = both([x for i in items for x in (i, rt(" | "))], users={"u-9": "Ada"})
    parts = (md + " ").split(" \\| ")
    assert parts[:10] == [
        "[Other Page](Page%20c3d4e5f6/Other%20Page%20e4e4e4e4.md)",
        "[Gone DB](https://www.notion.so/99999999999949998999999999999999)",
        "@Ada",
        "@January 5, 2024 → January 7, 2024",
        "@January 5, 2024 3:30 PM (UTC+01:00)",
        "[https://github.com/a/b](https://github.com/a/b)",
        "@Today",
        "@Me",
        "[X](https://x.org/p)",
        "kept text",
    ]
    assert '<span class="mention mention-user">@Ada</span>' in html


def test_unknown_mention_and_rich_text_types_are_counted() -> None:
    home = page_doc()
    ctx = make_ctx([home], home)
    got = spans(
        [
            mention({"type": "future", "future": {}}, "text"),
            {"type": "hologram", "plain_text": "holo"},
            None,
            "junk",
        ],
        ctx,
    )
    assert [s.text for s in got] == ["text", "holo"]
    assert ctx.stats == {"mention:future": 1, "rich_text:hologram": 1}


def test_inline_equation() -> None:
    md, html = both([rt("so "), equation("a<b")])
    assert md == "so $a<b$"
    assert html == 'so <code class="equation" title="TeX">a&lt;b</code>'


def test_html_escapes_script_text() -> None:
    _, html = both([rt("<script>alert('x')</script>")])
    assert html == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.b/c", True),
        ("http://a", True),
        ("mailto:a@b.c", True),
        ("rel/path.md", True),
        ("#frag", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:x", False),
        (" java\nscript:x", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
        ("file:///etc/passwd", False),
        ("", False),
        (None, False),
        ("weird:thing", False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_notion_target() -> None:
    hexid = "0f1e2d3c4b5a49688776a1b2c3d4e5f6"
    assert notion_target(f"/{hexid}") == hexid
    assert notion_target(f"https://www.notion.so/ws/Title-{hexid}?pvs=4") == hexid
    assert notion_target(f"https://example.com/{hexid}") is None
    assert notion_target("/not-an-id") is None
