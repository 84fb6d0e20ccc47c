"""Issue 6: the sink stores a document once, whatever a crash makes Kafka deliver again."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from notion_sync.kafka.events import Emitter
from notion_sync.store.chunks import document_chunks
from notion_sync.store.documents import STATE_DIR, DocumentStore
from notion_sync.streams.sink import Sink

EXPORT = "e1"


def _page(n_blocks: int) -> dict[str, Any]:
    return {
        "kind": "page",
        "id": "p1",
        "page": {"object": "page", "id": "p1", "last_edited_time": "2025-09-01T00:00:00.000Z"},
        "blocks": [
            {
                "object": "block",
                "id": f"b{i}",
                "type": "paragraph",
                "has_children": False,
                "paragraph": {"rich_text": [{"plain_text": "x" * 2000}]},
            }
            for i in range(n_blocks)
        ],
        "comments": [],
    }


def _messages(doc: dict[str, Any], out: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    common = {"export_id": EXPORT, "document_id": doc["id"], "out_dir": str(out)}
    chunks = [
        {**common, "seq": seq, "part": part, "payload": payload}
        for seq, (part, payload) in enumerate(document_chunks(doc))
    ]
    complete = {
        **common,
        "document_kind": doc["kind"],
        "chunks": len(chunks),
        "blocks": len(doc["blocks"]),
        "files": 0,
    }
    return chunks, complete


def test_a_document_redelivered_from_its_middle_after_a_crash_stays_stored(
    tmp_path: Path,
) -> None:
    doc = _page(400)
    chunks, complete = _messages(doc, tmp_path)
    assert len(chunks) >= 3
    sink = Sink(cast(Emitter, None))  # storing sends nothing
    for chunk in chunks:
        sink.spool(chunk)
    assert sink.store(complete) == ("assembled", None)
    store = DocumentStore(tmp_path / STATE_DIR)
    stored = store.get("p1")
    assert stored is not None and len(stored["blocks"]) == 400

    # Killed before committing past chunk 0: chunks 1… and the DocumentComplete come again.
    for chunk in chunks[1:]:
        sink.spool(chunk)
    assert sink.store(complete) == ("assembled", None)
    assert store.get("p1") == stored
    assert not (tmp_path / STATE_DIR / "spool" / EXPORT / "p1").exists()


def test_a_chunk_that_never_arrived_fails_the_document_naming_it(tmp_path: Path) -> None:
    chunks, complete = _messages(_page(400), tmp_path)
    sink = Sink(cast(Emitter, None))
    for chunk in chunks[:1] + chunks[2:]:
        sink.spool(chunk)
    assert sink.store(complete) == ("failed", "chunks [1] never arrived")
    assert DocumentStore(tmp_path / STATE_DIR).entry("p1") is None
