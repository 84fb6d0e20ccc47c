"""Markdown pages as site generators and note apps read them: front matter, title, index.md."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from notion_sync.core.config import MarkdownSettings, load_settings
from notion_sync.core.records import DocumentKind
from notion_sync.sinks.export import render_export
from notion_sync.sinks.layout import build_layout
from notion_sync.sinks.markdown import MarkdownRenderer
from notion_sync.sinks.md_index import render_index_md
from notion_sync.store.documents import STATE_DIR, DocumentStore, index_entry
from notion_sync.store.files import FileStore
from notion_sync.streams.ledger_values import DocumentEntry, DocumentState
from notion_sync.streams.render import render_in_child
from tests.unit.sinks.builders import (
    OTHER_ID,
    PAGE_ID,
    ROW_ID,
    SOURCE_ID,
    make_ctx,
    page_doc,
    para,
    rt,
    source_doc,
)
from tests.unit.sinks.gfm import gfm

JSON = dict[str, Any]
PROPERTIES: JSON = {
    "Status": {"id": "s", "type": "status", "status": {"name": "Doing", "color": "blue"}},
    "Owner": {"id": "o", "type": "people", "people": [{"object": "user", "id": "u-2"}]},
    "URL": {"id": "u", "type": "url", "url": "https://example.com"},
    "Date": {"id": "d", "type": "date", "date": {"start": "2024-05-01", "end": None}},
    "date (property)": {"id": "x", "type": "rich_text", "rich_text": [rt("taken")]},
    "Title": {"id": "t2", "type": "rich_text", "rich_text": [rt("not the title")]},
}
USERS = {"u-1": "Ada Lovelace", "u-2": "Grace Hopper"}


def render(settings: MarkdownSettings | None = None, **page: Any) -> str:
    doc = page_doc([para("Body")], title="Plan", properties=PROPERTIES, **page)
    ctx = make_ctx([doc], doc, users=USERS)
    return MarkdownRenderer(settings).render(doc, ctx).decode()


def front(text: str) -> JSON:
    head, _, _ = text[4:].partition("\n---\n")
    data: JSON = yaml.safe_load(head)
    return data


def test_flat_front_matter_for_obsidian_hugo_and_jekyll() -> None:
    text = render(last_edited_by={"object": "user", "id": "u-2"})
    assert front(text) == {
        "title": "Plan",
        "date": "2024-03-01T09:30:00.000Z",
        "lastmod": "2024-03-02T17:05:00.000Z",
        "id": PAGE_ID,
        "url": "https://www.notion.so/0f1e2d3c4b5a49688776a1b2c3d4e5f6",
        "created_time": "2024-03-01T09:30:00.000Z",
        "last_edited_time": "2024-03-02T17:05:00.000Z",
        "created_by": "Ada Lovelace",
        "last_edited_by": "Grace Hopper",
        "Status": "Doing",
        "Owner": ["Grace Hopper"],
        # Names that are ours, ignoring case (Hugo lowercases keys), or already taken:
        "URL (property)": "https://example.com",
        "Date (property)": "2024-05-01",
        "date (property) (property)": "taken",
        "Title (property)": "not the title",
    }
    assert text.endswith("---\n\nBody\n")  # themes print the title: no "# Plan" too


def test_nested_front_matter_and_a_title_heading_on_request() -> None:
    icon = {"type": "emoji", "emoji": "🗺️"}
    text = render(MarkdownSettings(front_matter="nested", title_heading=True), icon=icon)
    data = front(text)
    assert data["icon"] == "🗺️"
    assert data["properties"]["Owner"] == ["Grace Hopper"]
    assert data["properties"]["URL"] == "https://example.com"
    assert "Status" not in data
    assert text.endswith("---\n\n# 🗺️ Plan\n\nBody\n")


def test_a_data_source_has_the_same_keys_and_no_heading_by_default() -> None:
    doc = source_doc({"Name": {"id": "title", "type": "title", "title": {}}}, [], title="Tasks")
    text = MarkdownRenderer().render(doc, make_ctx([doc], doc)).decode()
    assert list(front(text))[:3] == ["title", "date", "lastmod"]
    assert "\n# Tasks" not in text
    titled = MarkdownRenderer(MarkdownSettings(title_heading=True)).render(
        doc, make_ctx([doc], doc)
    )
    assert b"\n---\n\n# Tasks\n\n| Name |" in titled


def _tree() -> list[JSON]:
    home = page_doc(title="Home")
    source = source_doc(
        {"Name": {"id": "title", "type": "title", "title": {}}},
        [],
        parent={"type": "page_id", "page_id": PAGE_ID},
    )
    in_source = {"type": "data_source_id", "data_source_id": SOURCE_ID}
    row10 = "00000000-0000-4000-8000-000000000010"
    row2 = "00000000-0000-4000-8000-000000000002"
    return [
        home,
        source,
        page_doc(page_id=row10, title="Article 10", parent=in_source),
        page_doc(page_id=row2, title="Article 2", parent=in_source),
        page_doc(
            page_id=OTHER_ID, title="Notes [draft]", parent={"type": "page_id", "page_id": row2}
        ),
        page_doc(page_id=ROW_ID, title="Zed"),
    ]


def test_index_md_lists_the_tree_in_natural_order_with_rows_folded() -> None:
    layout = build_layout([index_entry(d) for d in _tree()])
    text = b"".join(render_index_md(layout, "Acme & Co", MarkdownSettings())).decode()
    tasks = "Home%20c3d4e5f6/Tasks%209c9c9c9c"
    assert text == (
        '---\n"title": "Acme & Co"\n---\n\n'
        "- [Home](Home%20c3d4e5f6.md)\n"
        f"  - [Tasks]({tasks}.md)\n\n"
        "    <details>\n    <summary>2 rows</summary>\n\n"
        f"    - [Article 2]({tasks}/Article%202%2000000002.md)\n"
        f"      - [Notes \\[draft\\]]({tasks}/Article%202%2000000002/"
        "Notes%20%5Bdraft%5D%20e4e4e4e4.md)\n"
        f"    - [Article 10]({tasks}/Article%2010%2000000010.md)\n\n"
        "    </details>\n\n"
        "- [Zed](Zed%201e1e1e1e.md)\n"
    )
    html = gfm(text)
    assert html.index(">Article 2<") < html.index(">Article 10<")
    folded = html[html.index("<details>") : html.index("</details>")]
    assert "<summary>2 rows</summary>" in folded and ">Notes [draft]</a>" in folded
    assert html.index("</details>") < html.index(">Zed<")


def test_index_md_of_an_empty_export_says_so() -> None:
    layout = build_layout([])
    text = b"".join(render_index_md(layout, "Acme", MarkdownSettings(title_heading=True)))
    assert text == b'---\n"title": "Acme"\n---\n\n# Acme\n\nNothing was exported.\n'


def test_the_export_writes_markdown_index_only_with_the_markdown_tree(tmp_path: Path) -> None:
    store, files = DocumentStore(tmp_path / "state"), FileStore(tmp_path / "state")
    for doc in _tree():
        store.put(doc)
    render_export(store, files, ["html"], tmp_path / "a", workspace_name="Acme")
    assert not (tmp_path / "a" / "markdown").exists()
    report = render_export(store, files, ["markdown"], tmp_path / "b", workspace_name="Acme")
    index = (tmp_path / "b" / "markdown" / "index.md").read_text()
    assert "[Article 2](Home%20c3d4e5f6/Tasks%209c9c9c9c/Article%202%2000000002.md)" in index
    for line in index.splitlines():
        if "](" in line:
            target = line[line.index("](") + 2 : -1].replace("%20", " ")
            target = target.replace("%5B", "[").replace("%5D", "]")
            assert (tmp_path / "b" / "markdown" / target).is_file(), target
    again = render_export(store, files, ["markdown"], tmp_path / "b", workspace_name="Acme")
    assert report.changed["markdown"] == len(_tree()) + 1 and again.changed["markdown"] == 0


def test_the_render_child_writes_markdown_as_the_worker_settings_say(tmp_path: Path) -> None:
    DocumentStore(tmp_path / STATE_DIR).put(page_doc([para("child")], properties=PROPERTIES))
    export = {"export_id": "e1", "out_dir": str(tmp_path), "formats": ["markdown"]}
    entry = DocumentEntry(state=DocumentState.ASSEMBLED, kind=DocumentKind.PAGE)
    settings = MarkdownSettings(front_matter="nested", title_heading=True)
    asyncio.run(render_in_child(export, [(PAGE_ID, entry)], settings))
    [page] = (tmp_path / "markdown").glob("Page *.md")
    text = page.read_text()
    assert front(text)["properties"]["Status"] == "Doing"
    assert "\n# Page\n" in text


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, MarkdownSettings(front_matter="flat", title_heading=False)),
        (
            {"NOTION_SYNC_MARKDOWN__FRONT_MATTER": "nested"},
            MarkdownSettings(front_matter="nested"),
        ),
        ({"NOTION_SYNC_MARKDOWN__TITLE_HEADING": "true"}, MarkdownSettings(title_heading=True)),
    ],
)
def test_markdown_settings_from_the_environment(
    environment: dict[str, str],
    expected: MarkdownSettings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert load_settings().markdown == expected
