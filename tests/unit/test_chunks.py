from __future__ import annotations

from typing import Any

import orjson

from notion_sync.store import chunks
from notion_sync.store.chunks import assemble, document_chunks


def _round_trip(doc: dict[str, Any]) -> dict[str, Any]:
    parts = [(part, orjson.loads(payload)) for part, payload in document_chunks(doc)]
    return assemble(doc["id"], doc["kind"], parts)


def _block(
    block_id: str, text: str = "x", children: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "object": "block",
        "id": block_id,
        "type": "paragraph",
        "has_children": children is not None,
        "paragraph": {"rich_text": [{"plain_text": text}]},
    }
    if children is not None:
        block["children"] = children
    return block


def test_page_round_trips_with_nested_tree_and_repeated_ids() -> None:
    shared = _block("s1", "synced child")
    doc = {
        "kind": "page",
        "id": "p1",
        "page": {"object": "page", "id": "p1"},
        "blocks": [
            _block("a", children=[_block("a1"), _block("a2", children=[_block("a21")])]),
            _block("b"),
            _block("ref1", children=[shared]),
            _block("ref2", children=[dict(shared)]),
            _block("empty", children=[]),
        ],
        "comments": [{"object": "comment", "id": "c1"}],
        "property_items": {"rel": [{"object": "property_item"}]},
        "files": {"https://f/1": {"sha256": "ab", "name": "f", "size": 1, "content_type": "x"}},
    }
    assert _round_trip(doc) == doc


def test_large_lists_are_split_below_the_chunk_size(monkeypatch: Any) -> None:
    monkeypatch.setattr(chunks, "CHUNK_BYTES", 2_000)
    rows = [{"object": "page", "id": f"r{i}", "properties": {"t": "y" * 100}} for i in range(60)]
    doc = {
        "kind": "data_source",
        "id": "d",
        "data_source": {"id": "d"},
        "rows": rows,
        "property_items": {},
        "files": {},
    }
    row_parts = [payload for part, payload in document_chunks(doc) if part == "rows"]
    assert len(row_parts) > 3
    assert all(len(payload) <= 2_000 + 200 for payload in row_parts)
    assert _round_trip(doc) == doc


def test_empty_page_and_users_documents() -> None:
    page = {
        "kind": "page",
        "id": "p",
        "page": {"id": "p"},
        "blocks": [],
        "comments": [],
        "property_items": {},
        "files": {},
    }
    assert _round_trip(page) == page
    assert [part for part, _ in document_chunks(page)] == ["page"]  # empty parts are not sent
    users = {"kind": "users", "id": "users", "users": [{"id": "u"}]}
    assert _round_trip(users) == users


def test_lists_and_maps_in_several_parts_are_joined_in_order() -> None:
    parts = [
        ("rows", [{"id": "r1"}]),
        ("files", {"u1": {"sha256": "a"}}),
        ("rows", [{"id": "r2"}]),
        ("files", {"u2": {"sha256": "b"}}),
        ("data_source", {"id": "d"}),
    ]
    assert assemble("d", "data_source", parts) == {
        "kind": "data_source",
        "id": "d",
        "rows": [{"id": "r1"}, {"id": "r2"}],
        "files": {"u1": {"sha256": "a"}, "u2": {"sha256": "b"}},
        "property_items": {},
        "data_source": {"id": "d"},
    }
