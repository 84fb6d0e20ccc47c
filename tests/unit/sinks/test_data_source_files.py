"""A data source's own files (issue 20): the CSV's column of paths to the rows' Markdown
pages, and the JSON with the database object, against golden files."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson

from notion_sync.sinks.csv_format import PAGE_COLUMN
from notion_sync.sinks.export import render_export
from notion_sync.store.documents import DocumentStore
from notion_sync.store.files import FileStore
from tests.unit.sinks.builders import (
    DATABASE_ID,
    OTHER_ID,
    PAGE_ID,
    ROW_ID,
    SOURCE_ID,
    block,
    page,
    page_doc,
    rt,
    source_doc,
)

JSON = dict[str, Any]
GOLDEN = Path(__file__).parents[2] / "golden"
NAME = "Projects 9c9c9c9c"
HOME = "Home c3d4e5f6"
ICON_URL = "https://prod-files-secure.s3.us-west-2.amazonaws.com/icon.png?X-Amz-Signature=1"
UNEXPORTED_ROW = "2b2b2b2b-3c3c-4d4d-8e5e-6f6f6f6f6f6f"
#: A property that takes our column's name: ours must step aside, not overwrite it.
CLASH = {"id": "c", "name": PAGE_COLUMN, "type": "rich_text", "rich_text": {}}


def database() -> JSON:
    """A database object as Notion serves it (2025-09-03), with a Notion-hosted icon."""
    return {
        "object": "database",
        "id": DATABASE_ID,
        "title": [rt("Projects")],
        "description": [rt("Everything we ship")],
        "icon": {"type": "file", "file": {"url": ICON_URL, "expiry_time": "2024-03-02T18:05Z"}},
        "cover": None,
        "parent": {"type": "page_id", "page_id": PAGE_ID},
        "is_inline": True,
        "data_sources": [{"id": SOURCE_ID, "name": ""}],
        "url": "https://www.notion.so/d1d1d1d1e2e24f3f8a4ab5b5b5b5b5b5",
    }


def export_store(root: Path) -> tuple[DocumentStore, FileStore]:
    """A page holding an untitled data source (named by its database), whose first row
    has a page in the export and whose second has none."""
    store, files = DocumentStore(root / "state"), FileStore(root / "state")
    sha = files.put(b"\x89PNG icon")
    as_row = {"type": "data_source_id", "data_source_id": SOURCE_ID}
    notes = {"Mine": {"id": "c", "type": "rich_text", "rich_text": [rt("a user's own")]}}
    notes[PAGE_COLUMN] = notes.pop("Mine")
    rows = [
        page(ROW_ID, title="Launch, v2", parent=as_row, properties=notes),
        page(UNEXPORTED_ROW, title="Not shared", parent=as_row),
    ]
    title = {"id": "title", "name": "Name", "type": "title", "title": {}}
    source = source_doc(
        {"Name": title, PAGE_COLUMN: CLASH},
        rows,
        title="",
        parent={"type": "page_id", "page_id": PAGE_ID},
    )
    source["data_source"]["title"] = []
    source["database"] = database()
    source["files"] = {
        ICON_URL: {"sha256": sha, "name": "icon.png", "size": 9, "content_type": "image/png"}
    }
    home = page_doc(
        [block("child_database", {"title": "Projects"}, block_id=DATABASE_ID)], title="Home"
    )
    row_page = page_doc(page_id=ROW_ID, title="Launch, v2", parent=as_row, properties=notes)
    other = page_doc(page_id=OTHER_ID, title="Elsewhere")
    for doc in (home, source, row_page, other):
        store.put(doc)
    return store, files


def test_the_csv_links_each_row_to_its_markdown_page(tmp_path: Path) -> None:
    store, files = export_store(tmp_path)
    out = tmp_path / "out"
    render_export(store, files, ["csv", "markdown", "json"], out)
    data = (out / "csv" / HOME / f"{NAME}.csv").read_bytes()
    assert data == (GOLDEN / "csv" / f"{NAME}.csv").read_bytes()

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    ours = f"{PAGE_COLUMN} (2)"
    assert [row[PAGE_COLUMN] for row in rows] == ["a user's own", ""]  # the property, intact
    assert rows[0][ours] == f"../../markdown/{HOME}/{NAME}/Launch, v2 1e1e1e1e.md"
    assert (out / "csv" / HOME / rows[0][ours]).resolve().is_file()
    assert rows[1][ours] == ""  # the row's page is not in the export: no path to nowhere


def test_without_markdown_the_column_stays_and_is_empty(tmp_path: Path) -> None:
    store, files = export_store(tmp_path)
    render_export(store, files, ["csv", "html"], tmp_path / "out")
    data = (tmp_path / "out" / "csv" / HOME / f"{NAME}.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    assert [row[f"{PAGE_COLUMN} (2)"] for row in rows] == ["", ""]


def test_the_json_of_a_data_source_holds_its_database(tmp_path: Path) -> None:
    store, files = export_store(tmp_path)
    out = tmp_path / "out"
    render_export(store, files, ["json"], out)
    data = (out / "json" / HOME / f"{NAME}.json").read_bytes()
    assert data == (GOLDEN / "json" / f"{NAME}.json").read_bytes()

    served = orjson.loads(data)
    assert list(served)[:3] == ["format_version", "kind", "id"]
    assert served["format_version"] == 1
    db = served["database"]
    assert db["id"] == DATABASE_ID and db["description"][0]["plain_text"] == "Everything we ship"
    # The icon's signed URL (new on every response) is the downloaded copy's path instead.
    assert db["icon"]["file"] == {"url": f"{NAME}/icon.png"}
    assert (out / "json" / HOME / db["icon"]["file"]["url"]).is_file()
    every = list((out / "json").rglob("*.json"))
    assert len(every) == 4
    assert all(orjson.loads(p.read_bytes())["format_version"] == 1 for p in every)
