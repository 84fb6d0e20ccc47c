"""Fixtures for the sink tests (object builders live in ``builders.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from notion_sync.store.documents import DocumentStore
from notion_sync.store.files import FileStore


@pytest.fixture
def stores(tmp_path: Path) -> tuple[DocumentStore, FileStore]:
    return DocumentStore(tmp_path / "state"), FileStore(tmp_path / "state")
