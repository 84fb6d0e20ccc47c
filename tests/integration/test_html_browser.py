"""The HTML export as a reader sees it: headless Chromium at desktop and phone widths.

One page holds what used to break the layout or show raw source (embeds and a
bookmark with long URLs, equations, highlighted code, to-dos, downloaded images,
a 27-column table) and links to a 27-column database. Both are rendered by
``render_export`` into a real tree, served over HTTP, loaded at 1280 and 400 px,
and screenshotted into ``tmp_path`` as evidence.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from notion_sync.sinks.export import render_export
from notion_sync.sinks.layout import build_layout
from notion_sync.store.documents import DocumentStore
from notion_sync.store.files import FileStore
from tests.integration.browser import chromium, measure, page_url, screenshot, serve
from tests.unit.sinks.builders import (
    DATABASE_ID,
    PAGE_ID,
    SOURCE_ID,
    block,
    equation,
    page,
    page_doc,
    para,
    rt,
    source_doc,
)
from tests.unit.sinks.htmlcheck import parse_html

JSON = dict[str, Any]
WIDTHS = [1280, 400]
COLUMNS = 27
LONG_URL = "https://example.com/" + "a-very-long-path-segment-without-any-break" * 4 + "?q=1"
IMAGE_URL = "https://prod-files.example/secure/diagram.png?X-Amz-Signature=abc"
COVER_URL = "https://prod-files.example/secure/cover.png?X-Amz-Signature=def"


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid PNG of one colour (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _file(files: FileStore, name: str, data: bytes) -> JSON:
    return {"sha256": files.put(data), "name": name, "size": len(data), "content_type": "image/png"}


def _rich_page(files: FileStore) -> JSON:
    wide_row = [[rt(f"Cell {i} with some words")] for i in range(COLUMNS)]
    blocks = [
        para("Everything below must fit a phone's width."),
        block(
            "heading_2",
            {"rich_text": [rt("A toggle heading")], "is_toggleable": True},
            [para("Inside the toggle.")],
            block_id="toggle-heading",
        ),
        block("embed", {"url": LONG_URL, "caption": []}),
        block("bookmark", {"url": LONG_URL, "caption": [rt("A bookmark's caption")]}),
        block("bookmark", {"url": "https://example.org/short", "caption": []}),
        block(
            "equation",
            {"expression": r"f(x)=\begin{cases} 1 & x>0 \\ 0 & \text{else}\end{cases}"},
        ),
        block("paragraph", {"rich_text": [rt("Inline "), equation(r"E = mc^2"), rt(".")]}),
        block(
            "code",
            {
                "rich_text": [rt("def f(x):\n    return x + 1  # " + "long comment " * 12)],
                "language": "python",
                "caption": [],
            },
        ),
        block("to_do", {"rich_text": [rt("Done " + "and wrapped " * 20)], "checked": True}),
        block("to_do", {"rich_text": [rt("Open")], "checked": False}),
        block("image", {"type": "file", "file": {"url": IMAGE_URL}, "caption": [rt("A diagram")]}),
        block(
            "table",
            {"table_width": COLUMNS, "has_column_header": True, "has_row_header": False},
            [block("table_row", {"cells": wide_row}, block_id=f"row-{n}") for n in range(3)],
        ),
        block("unsupported", {"block_type": "button"}),
        block("child_database", {"title": "Articles"}, block_id=DATABASE_ID),
    ]
    doc = page_doc(blocks, title="Showcase", cover={"type": "file", "file": {"url": COVER_URL}})
    doc["files"] = {
        IMAGE_URL: _file(files, "diagram.png", _png(320, 180, (40, 120, 200))),
        COVER_URL: _file(files, "cover.png", _png(1200, 200, (230, 200, 120))),
    }
    return doc


def _database() -> JSON:
    schema: JSON = {"Name": {"id": "title", "type": "title", "title": {}}}
    for i in range(1, COLUMNS):
        schema[f"Property number {i}"] = {"id": f"p{i}", "type": "rich_text", "rich_text": {}}
    rows = [
        page(
            f"{n:08x}-0000-4000-8000-000000000000",
            title=f"Article {n} with a title long enough to be cut",
            parent={"type": "data_source_id", "data_source_id": SOURCE_ID},
            properties={
                f"Property number {i}": {
                    "id": f"p{i}",
                    "type": "rich_text",
                    "rich_text": [rt(f"Value {n}.{i} " + "that goes on " * 6)],
                }
                for i in range(1, COLUMNS)
            },
        )
        for n in range(1, 13)
    ]
    return source_doc(
        schema, rows, title="Articles", parent={"type": "page_id", "page_id": PAGE_ID}
    )


def _local(ref: str) -> bool:
    return bool(ref) and not urlsplit(ref).scheme and not ref.startswith(("#", "//"))


async def test_pages_fit_a_phone_load_every_image_and_link_only_to_existing_files(
    tmp_path: Path,
) -> None:
    store, files = DocumentStore(tmp_path / "state"), FileStore(tmp_path / "state")
    store.put(_rich_page(files))
    store.put(_database())
    report = render_export(store, files, ["html"], tmp_path / "out", workspace_name="Browser")
    assert report.problems == {}
    html_root = tmp_path / "out" / "html"
    layout = build_layout(store.entries())
    pages = {
        "rich": layout.path(PAGE_ID, ".html"),
        "database": layout.path(SOURCE_ID, ".html"),
    }

    checked = 0
    for path in html_root.rglob("*.html"):
        parsed = parse_html(path.read_text(encoding="utf-8"))
        assert parsed.errors == [], path
        for ref in filter(_local, parsed.links() + parsed.sources()):
            target = (path.parent / unquote(ref.split("#", 1)[0])).resolve()
            assert target.is_file() and target.is_relative_to(html_root.resolve()), (path, ref)
            checked += 1
    assert checked >= 8

    browser = chromium()
    log: list[tuple[str, int]] = []
    runner, base = await serve(html_root, log)
    shots = tmp_path / "shots"
    shots.mkdir()
    try:
        for name, rel in pages.items():
            url = page_url(base, rel)
            found = await measure(browser, base, url, WIDTHS, tmp_path / f"profile-{name}")
            for width, result in zip(WIDTHS, found, strict=True):
                assert result["document"] <= result["viewport"], (name, width, result["sticking"])
                assert result["sticking"] == [], (name, width)
                assert all(w > 0 for _, w in result["images"]), result["images"]
                assert result["images"] or name != "rich"
            if name == "rich":  # a wrapped to-do's lines start right of its box
                for result in found:
                    todos = result["todos"]
                    assert [t["checked"] for t in todos] == [True, False]
                    assert all(
                        len(t["lines_left"]) >= 1 and min(t["lines_left"]) > t["box_right"]
                        for t in todos
                    ), todos
                    assert len(todos[0]["lines_left"]) > 1  # it did wrap
                    assert todos[0]["background"] != todos[1]["background"]
            if name == "database":
                for result in found:  # one line a row, the title column held in place
                    assert result["rows"] and max(result["rows"]) < 40, result["rows"]
                    assert result["first_column_sticky"]
            for width in WIDTHS:
                shot = shots / f"{name}-{width}.png"
                await screenshot(
                    browser, url, shot, tmp_path / f"profile-{name}", width=width, height=2400
                )
                assert shot.stat().st_size > 10_000
    finally:
        await runner.cleanup()
    assert [(path, status) for path, status in log if status >= 400] == []
    assert any(path.endswith("style.css") for path, _ in log)
    print(f"screenshots in {shots}")
