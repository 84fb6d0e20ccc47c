"""The planned table's typed values survive the store (JSON through orjson, in SQLite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from notion_sync.core.records import DocumentKind
from notion_sync.kafka.table_store import Entries, open_database
from notion_sync.streams.listing import Listing
from notion_sync.streams.planned import PlannedTable
from notion_sync.streams.scheduling import PlannedDocument, PlanState


@pytest.fixture
def entries(tmp_path: Path) -> Entries:
    return Entries(open_database(tmp_path, "planned"), "data")


def test_documents_and_the_listing_are_read_back_as_written(entries: Entries) -> None:
    planned = PlannedTable(None, entries)  # type: ignore[arg-type]  # reads need no app
    entries["e/a"] = {"state": "tasked", "kind": "page"}
    entries["e/b"] = {"state": "deferred", "kind": "database"}
    entries["e1/c"] = {"state": "deferred", "kind": "page"}  # another export
    assert planned.document("e/a") == PlannedDocument(PlanState.TASKED, DocumentKind.PAGE)
    assert planned.document("e/zz") is None
    assert list(planned.deferred("e")) == [
        ("b", PlannedDocument(PlanState.DEFERRED, DocumentKind.DATABASE))
    ]
    assert planned.listing("e") is None
    planned.set_listing("e", Listing("c1", 4, True, 1, False))
    assert entries["search/e"] == {
        "cursor": "c1",
        "owner": 4,
        "open": True,
        "pages": 1,
        "done": False,
    }
    assert planned.listing("e") == Listing("c1", 4, True, 1, False)
    assert list(planned.deferred("e")) == [
        ("b", PlannedDocument(PlanState.DEFERRED, DocumentKind.DATABASE))
    ]
    assert len(planned) == 4
