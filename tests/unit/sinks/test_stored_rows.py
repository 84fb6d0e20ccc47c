"""A stored data source renders to the same bytes with its rows read a chunk at a time."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import orjson

from sinks.document import Document
from sinks.json_format import JsonRenderer
from sinks.store import DocumentStore, StoredRows
from tests.unit.sinks.builders import make_ctx, page, rt, source_doc

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
        ctx = make_ctx([doc], doc, ".json")
        rendered = JsonRenderer().render(opened, ctx)
        assert rendered == JsonRenderer().render(whole, ctx)
        assert (
            orjson.loads(rendered)["rows"]
            == orjson.loads(JsonRenderer().render(whole, ctx))["rows"]
        )
        if rows:
            assert HOSTED not in rendered.decode()  # the row's file points at its copy


def test_a_document_written_on_one_line_by_an_earlier_version_still_opens(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    doc = _source(3)
    store.put(doc)
    path = next((tmp_path / "documents").rglob("*.json"))
    path.write_bytes(orjson.dumps(orjson.loads(path.read_bytes())))  # no newlines at all
    opened = store.open(doc["id"])
    assert opened is not None and opened["rows"] == doc["rows"]


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
