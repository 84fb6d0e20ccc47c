"""One export's entries out of a per-document table, whatever else the table holds."""

from __future__ import annotations

from notion_sync.kafka.tables import export_entries


def test_only_the_exports_document_keys_and_safe_to_delete_while_walking() -> None:
    table: dict[object, object] = {
        "exp-1/doc-a": "tasked",
        "exp-10/doc-b": "tasked",  # another export whose id starts the same way
        "search/exp-1": {"cursor": None},
        ("exp-1/doc-c",): "not a string key",
        "exp-1/doc-d": ["owed", "page", None],
    }
    entries = list(export_entries(table, "exp-1"))
    assert entries == [("exp-1/doc-a", "tasked"), ("exp-1/doc-d", ["owed", "page", None])]
    for key, _ in entries:
        del table[key]
    assert "exp-10/doc-b" in table and len(table) == 3
