"""A data source is named as Notion names it, in every format: its own title, else the
name its database lists it under, else the database's title (issue 19)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from notion_sync.sinks.export import render_export
from notion_sync.store.document import data_source_title
from notion_sync.store.documents import DocumentStore, index_entry
from notion_sync.store.files import FileStore
from tests.unit.sinks.builders import DATABASE_ID, ROW_ID, SOURCE_ID, page, rt, source_doc

JSON = dict[str, Any]


def database(title: str, name: str = "") -> JSON:
    """A database object as Notion serves it (2025-09-03), listing the one data source."""
    return {
        "object": "database",
        "id": DATABASE_ID,
        "title": [rt(title)] if title else [],
        "data_sources": [{"id": SOURCE_ID, "name": name}],
    }


def plain(rich_text: list[JSON]) -> str:
    return "".join(item["plain_text"] for item in rich_text)


def test_the_own_title_wins_then_the_listed_name_then_the_database_title() -> None:
    titled = {"id": SOURCE_ID, "title": [rt("Own")]}
    untitled = {"id": SOURCE_ID, "title": []}
    assert plain(data_source_title(titled, database("Tracker", "Listed"))) == "Own"
    assert plain(data_source_title(untitled, database("Tracker", "Listed"))) == "Listed"
    assert plain(data_source_title(untitled, database("Tracker"))) == "Tracker"
    # Dashes or not, the id the database lists is the data source's.
    undashed = {"id": SOURCE_ID.replace("-", ""), "title": [rt(" ")]}
    assert plain(data_source_title(undashed, database("Tracker", "Listed"))) == "Listed"
    assert data_source_title(untitled, None) == []
    assert data_source_title(untitled, database("")) == []


def untitled_source(db: JSON | None) -> JSON:
    row = page(ROW_ID, title="Row", parent={"type": "data_source_id", "data_source_id": SOURCE_ID})
    doc = source_doc({"title": {"id": "title", "type": "title", "title": {}}}, [row], title="")
    doc["data_source"]["title"] = []
    if db is not None:
        doc["database"] = db
    return doc


def test_the_index_entry_of_an_untitled_source_is_named_after_its_database() -> None:
    assert index_entry(untitled_source(database("Tracker")))["title"] == "Tracker"
    assert index_entry(untitled_source(None))["title"] == ""


def test_every_format_names_an_untitled_source_after_its_database(tmp_path: Path) -> None:
    store, files = DocumentStore(tmp_path / "state"), FileStore(tmp_path / "state")
    doc = untitled_source(database("Tracker"))
    store.put(doc)
    assert store.entry(SOURCE_ID) == index_entry(doc)
    out = tmp_path / "out"
    render_export(store, files, ["json", "markdown", "html", "csv"], out)

    name = "Tracker 9c9c9c9c"
    assert (out / "csv" / f"{name}.csv").is_file()
    markdown = (out / "markdown" / f"{name}.md").read_text()
    assert '"title": "Tracker"' in markdown
    assert "- [Tracker](Tracker%209c9c9c9c.md)" in (out / "markdown" / "index.md").read_text()
    html = (out / "html" / f"{name}.html").read_text()
    assert "<title>Tracker</title>" in html and ">Tracker</h1>" in html
    assert ">Tracker</a>" in (out / "html" / "index.html").read_text()
    # The JSON keeps what Notion served: the source's empty title, and the database.
    served = orjson.loads((out / "json" / f"{name}.json").read_bytes())
    assert served["data_source"]["title"] == [] and served["database"]["id"] == DATABASE_ID
    assert "Untitled" not in markdown + html
