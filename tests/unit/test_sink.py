"""Issue 6: the sink stores a document once, whatever a crash makes Kafka deliver again."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any, cast

import pytest

from notion_sync.core.loop_monitor import LoopMonitor
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


SLOW_FSYNC = 0.3  # seconds a simulated busy disk takes to sync a file


async def test_a_slow_disk_holds_the_sink_not_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync = os.fsync

    def slow_fsync(fd: int) -> None:
        sync(fd)
        time.sleep(SLOW_FSYNC)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    doc = _page(1)
    chunks, complete = _messages(doc, tmp_path)
    sink = Sink(cast(Emitter, None))
    monitor = LoopMonitor(interval=0.01, threshold=SLOW_FSYNC)
    watching = asyncio.create_task(monitor.run())
    await asyncio.sleep(0)  # the monitor is asleep now
    for chunk in chunks:
        await sink.take(chunk)
    assert await sink.assemble(complete) == ("assembled", None)
    seen = monitor.samples
    while monitor.samples == seen:  # its next wake-up, however late
        await asyncio.sleep(0)
    watching.cancel()
    # Four syncs (two chunks, the document, its entry) went by while the loop ran on.
    assert monitor.longest < SLOW_FSYNC - 0.1
    store = DocumentStore(tmp_path / STATE_DIR)
    assert store.get("p1") == {**doc, "property_items": {}, "files": {}}
    assert store.entry("p1") is not None
    assert not (tmp_path / STATE_DIR / "spool" / EXPORT / "p1").exists()
