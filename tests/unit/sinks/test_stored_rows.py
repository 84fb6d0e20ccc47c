"""A stored data source renders to the same bytes, in every format, with its rows read
from disk a chunk at a time and its files written a piece at a time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

from notion_sync.sinks.export import render_export
from notion_sync.sinks.formats import FORMATS
from notion_sync.sinks.json_format import JsonRenderer
from notion_sync.store.document import Document
from notion_sync.store.documents import DocumentStore, StoredRows
from notion_sync.store.files import FileStore
from tests.unit.sinks.builders import SOURCE_ID, make_ctx, page, rt, source_doc

HOSTED = "https://s3.example/report.pdf?sig=x"
SCHEMA = {
    "Name": {"id": "title", "name": "Name", "type": "title", "title": {}},
    "Notes": {"id": "n", "name": "Notes", "type": "rich_text", "rich_text": {}},
    "Attachments": {"id": "f", "name": "Attachments", "type": "files", "files": {}},
}


def _source(rows: int, *, with_file: bool = False) -> Document:
    def row(i: int) -> dict[str, Any]:
        files = [{"name": "report.pdf", "type": "file", "file": {"url": HOSTED, "expiry": "x"}}]
        props = {
            "Notes": {"id": "n", "type": "rich_text", "rich_text": [rt(f"notes {i} " * 10)]},
            "Attachments": {"id": "f", "type": "files", "files": files if with_file else []},
        }
        return page(
            page_id=f"{i:08x}-0000-4000-8000-000000000000",
            title=f"Row {i}",
            parent={"type": "data_source_id", "data_source_id": "s"},
            properties=props,
        )

    doc = source_doc(SCHEMA, [row(i) for i in range(rows)])
    if with_file:
        doc["files"] = {
            HOSTED: {"sha256": "ab" * 32, "name": "report.pdf", "size": 3, "content_type": "x"}
        }
    return doc


def test_a_stored_data_source_opens_with_rows_read_from_disk_and_renders_the_same_json(
    tmp_path: Path,
) -> None:
    for rows in (0, 1, 400):
        store = DocumentStore(tmp_path / str(rows))
        doc = _source(rows, with_file=rows > 0)
        store.put(doc)
        whole, opened = store.get(doc["id"]), store.open(doc["id"])
        assert whole is not None and opened is not None
        assert isinstance(opened["rows"], StoredRows)
        assert list(opened["rows"]) == whole["rows"] == doc["rows"]
        assert list(opened) == list(whole)  # key order, which the JSON file keeps
        for renderer in FORMATS.values():
            ctx = make_ctx([doc], doc, renderer.file_extension)
            expected = renderer.render(whole, ctx)
            assert b"".join(renderer.render_pieces(opened, ctx)) == expected, renderer.name
            assert renderer.render(opened, ctx) == expected, renderer.name
            assert expected.count(b"Row ") >= rows, renderer.name
        if rows:  # the rows' file points at its copy
            ctx = make_ctx([doc], doc, ".json")
            assert HOSTED not in JsonRenderer().render(opened, ctx).decode()


def _render_peak(doc: Document, tmp_path: Path) -> int:
    store = DocumentStore(tmp_path)
    store.put(doc)
    opened = store.open(doc["id"])
    assert opened is not None
    ctx = make_ctx([doc], doc, ".json")
    del doc
    tracemalloc.start()
    try:
        for _piece in JsonRenderer().render_pieces(opened, ctx):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_rendering_a_stored_data_source_holds_a_chunk_of_rows_whatever_their_number(
    tmp_path: Path,
) -> None:
    small = _render_peak(_source(300), tmp_path / "small")
    large = _render_peak(_source(3000), tmp_path / "large")
    whole = _source(3000)
    ctx = make_ctx([whole], whole, ".json")
    tracemalloc.start()
    JsonRenderer().render(whole, ctx)
    held = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # Ten times the rows: the rows held whole cost ~12 MB more, read from disk ~1 MB.
    assert held > small + 8_000_000, (small, held)  # the measure tells a held document apart
    assert large < small + 3_000_000, (small, large)


GOLDEN = Path(__file__).parents[2] / "golden"
TRACKER_FILES = {
    "markdown": "Tracker 9c9c9c9c.md",
    "html": "Tracker 9c9c9c9c.html",
    "csv": "Tracker 9c9c9c9c.csv",
    "json": "Tracker 9c9c9c9c.json",
}


def tracker_store(root: Path) -> tuple[DocumentStore, FileStore]:
    """A data source whose cells need escaping in every format, and a row with a file."""
    store, files = DocumentStore(root / "state"), FileStore(root / "state")
    sha = files.put(b"%PDF-1.4 not really")
    schema = {
        **SCHEMA,
        "Score": {"id": "s", "name": "Score", "type": "number", "number": {"format": "number"}},
        "Stage": {"id": "g", "name": "Stage", "type": "select", "select": {"options": []}},
    }
    texts = ["a | pipe\nand a new line", '<b>not bold</b>, "quoted"', ""]
    rows = []
    for i, note in enumerate(texts):
        props = {
            "Notes": {"id": "n", "type": "rich_text", "rich_text": [rt(note)] if note else []},
            "Attachments": {"id": "f", "type": "files", "files": []},
            "Score": {"id": "s", "type": "number", "number": [1.5, None, -3][i]},
            "Stage": {"id": "g", "type": "select", "select": {"name": "Done", "color": "green"}},
        }
        if i == 0:
            props["Attachments"]["files"] = [
                {"name": "report.pdf", "type": "file", "file": {"url": HOSTED, "expiry_time": "x"}}
            ]
        title = ["First, row", "=SUM(A1)", ""][i]
        row = page(
            page_id=f"{i + 1:08x}-0000-4000-8000-000000000000",
            title=title,
            parent={"type": "data_source_id", "data_source_id": SOURCE_ID},
            properties=props,
        )
        rows.append(row)
    source = source_doc(schema, rows, title="Tracker")
    source["files"] = {
        HOSTED: {"sha256": sha, "name": "report.pdf", "size": 19, "content_type": "application/pdf"}
    }
    store.put(source)
    return store, files


def test_a_data_source_renders_as_the_golden_files_in_every_format(tmp_path: Path) -> None:
    """The golden files were written by the renderers that held every row in memory."""
    store, files = tracker_store(tmp_path)
    render_export(store, files, FORMATS, tmp_path / "out", workspace_name="Acme")
    for fmt, name in TRACKER_FILES.items():
        got = (tmp_path / "out" / fmt / name).read_bytes()
        assert got == (GOLDEN / fmt / name).read_bytes(), fmt
