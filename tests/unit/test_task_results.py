"""What a fetch task sends about its document, and its traffic report (no broker)."""

from __future__ import annotations

from notion_sync.core.records import (
    DocumentComplete,
    DocumentDone,
    FetchStats,
    FetchTask,
    Outcome,
    TaskKind,
)
from notion_sync.notion.client import TrafficStats
from notion_sync.store.chunks import encode_part
from notion_sync.streams.task_results import document_complete, document_done, entity_chunks
from notion_sync.streams.traffic import traffic_report

TASK = FetchTask(
    export_id="e", token_ref="sandbox", kind=TaskKind.DATA_SOURCE, object_id="ds", out_dir="/o"
)


def test_chunks_are_numbered_on_across_pieces_and_the_completion_counts_them() -> None:
    rows = [{"id": str(i), "text": "x" * 4000} for i in range(200)]
    first = entity_chunks(TASK, [("rows", rows)], 0)
    assert len(first) == len(list(encode_part("rows", rows))) > 1
    second = entity_chunks(
        TASK, [("data_source", {"id": "ds"}), ("files", {"u": {"sha256": "x"}})], len(first)
    )
    chunks = first + second
    assert [chunk.seq for chunk in chunks] == list(range(len(chunks)))
    assert {(c.document_id, c.document_kind, c.out_dir) for c in chunks} == {
        ("ds", "data_source", "/o")
    }
    assert [c.part for c in second] == ["data_source", "files"]
    assert document_complete(TASK, len(chunks), 0, 2) == DocumentComplete(
        export_id="e",
        document_id="ds",
        document_kind="data_source",
        chunks=len(chunks),
        files=2,
        out_dir="/o",
    )


def test_a_document_with_nothing_to_store_is_done_with_its_outcome() -> None:
    database = FetchTask(
        export_id="e", token_ref="t", kind=TaskKind.DATABASE, object_id="db", out_dir="/o"
    )
    assert document_done(database, Outcome.EXPANDED) == DocumentDone(
        export_id="e", document_id="db", document_kind="database", outcome=Outcome.EXPANDED
    )


def test_traffic_is_reported_only_when_there_was_some() -> None:
    assert traffic_report("e", TrafficStats(), "closed") is None
    assert traffic_report("e", TrafficStats(rate_limited=1, waited_seconds=2.5), "open") == (
        FetchStats(
            export_id="e", requests=0, rate_limited=1, retries=0, waited_seconds=2.5, circuit="open"
        )
    )
    assert traffic_report("e", TrafficStats(requests=3), "closed") == FetchStats(
        export_id="e", requests=3, rate_limited=0, retries=0
    )
