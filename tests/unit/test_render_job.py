"""The render child: the worker's renders run in ``python -m notion_sync.sinks.render_job``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from notion_sync.core.records import DocumentKind
from notion_sync.store.documents import STATE_DIR, DocumentStore
from notion_sync.streams.ledger_values import DocumentEntry, DocumentState
from notion_sync.streams.render import RenderFailed, render_in_child
from tests.unit.sinks.builders import OTHER_ID, PAGE_ID, ROW_ID, page_doc, para


def _entry(state: DocumentState, reason: str | None = None) -> DocumentEntry:
    return DocumentEntry(state=state, kind=DocumentKind.PAGE, reason=reason)


def test_renders_the_export_and_writes_its_manifest(tmp_path: Path) -> None:
    DocumentStore(tmp_path / STATE_DIR).put(page_doc([para("hello from the child")]))
    export = {"export_id": "e1", "out_dir": str(tmp_path), "formats": ["markdown", "json"]}
    documents = [(PAGE_ID, _entry(DocumentState.ASSEMBLED))]

    written, finished_at = asyncio.run(render_in_child(export, documents))

    assert written == {"markdown": 1, "json": 1}
    [markdown] = (tmp_path / "markdown").rglob("Page *.md")
    assert "hello from the child" in markdown.read_text()
    manifest = orjson.loads((tmp_path / "manifest.json").read_bytes())
    assert manifest["export_id"] == "e1"
    assert finished_at > 0


def test_a_failed_render_says_why(tmp_path: Path) -> None:
    export = {"export_id": "e2", "out_dir": str(tmp_path), "formats": ["pdf"]}
    with pytest.raises(RenderFailed, match=r"rendering export e2 failed \(exit 1\): .*pdf"):
        asyncio.run(render_in_child(export, []))
    assert not (tmp_path / "manifest.json").exists()


def test_the_ledger_view_decides_what_is_rendered_and_what_the_manifest_lists(
    tmp_path: Path,
) -> None:
    store = DocumentStore(tmp_path / STATE_DIR)
    for page_id, title in ((PAGE_ID, "Kept"), (OTHER_ID, "Failed late"), (ROW_ID, "Unchanged")):
        store.put(page_doc([para(title)], page_id=page_id, title=title))
    export = {"export_id": "e3", "out_dir": str(tmp_path), "formats": ["markdown"]}
    documents = [
        (PAGE_ID.replace("-", "").upper(), _entry(DocumentState.ASSEMBLED)),  # any spelling
        (OTHER_ID, _entry(DocumentState.FAILED, "chunk 3 never arrived")),
        (ROW_ID, _entry(DocumentState.UNCHANGED)),
        ("0000aaaa-0000-4000-8000-00000000aaaa", _entry(DocumentState.SKIPPED, "object_not_found")),
    ]

    written, _ = asyncio.run(render_in_child(export, documents))

    assert written == {"markdown": 2}
    names = sorted(p.name for p in (tmp_path / "markdown").rglob("*.md") if p.name != "index.md")
    assert names == ["Kept c3d4e5f6.md", "Unchanged 1e1e1e1e.md"]
    manifest = orjson.loads((tmp_path / "manifest.json").read_bytes())
    assert manifest["counts"]["documents"] == {"page": 2}
    assert manifest["counts"]["unchanged"] == 1
    assert manifest["failed"] == [
        {"id": OTHER_ID, "kind": "page", "reason": "chunk 3 never arrived"}
    ]
    assert manifest["skipped"] == [
        {
            "id": "0000aaaa-0000-4000-8000-00000000aaaa",
            "kind": "page",
            "reason": "object_not_found",
        }
    ]
    assert not list((tmp_path / STATE_DIR).glob("*.sqlite"))  # its scratch files went with it
