"""The render child: the worker's renders run in ``python -m sinks.render_job``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from sinks.store import STATE_DIR, DocumentStore
from streams.render import RenderFailed, render_in_child
from tests.unit.sinks.builders import PAGE_ID, page_doc, para


def test_renders_the_export_and_writes_its_manifest(tmp_path: Path) -> None:
    DocumentStore(tmp_path / STATE_DIR).put(page_doc([para("hello from the child")]))
    export = {"export_id": "e1", "out_dir": str(tmp_path), "formats": ["markdown", "json"]}
    documents = [(PAGE_ID, ["assembled", "page", None])]

    written, finished_at = asyncio.run(render_in_child(export, documents))

    assert written == {"markdown": 1, "json": 1}
    [markdown] = (tmp_path / "markdown").rglob("*.md")
    assert "hello from the child" in markdown.read_text()
    manifest = orjson.loads((tmp_path / "manifest.json").read_bytes())
    assert manifest["export_id"] == "e1"
    assert finished_at > 0


def test_a_failed_render_says_why(tmp_path: Path) -> None:
    export = {"export_id": "e2", "out_dir": str(tmp_path), "formats": ["pdf"]}
    with pytest.raises(RenderFailed, match=r"rendering export e2 failed \(exit 1\): .*pdf"):
        asyncio.run(render_in_child(export, []))
    assert not (tmp_path / "manifest.json").exists()
