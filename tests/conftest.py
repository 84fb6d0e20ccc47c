"""Project-wide fixtures: a clean environment for every test, and the shared sandbox fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.kafka",
    "tests.fixtures.pipeline",
    "tests.fixtures.runs",
    "notion_sync.sandbox.testing",
]

_LEAKY = ("NOTION_API_KEY", "NOTION_SYNC_")


@pytest.fixture(autouse=True)
def clean_environ(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """No test sees the developer's Notion token or notion-sync settings."""
    for name in list(os.environ):
        if name.startswith(_LEAKY):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    yield


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "export"
    path.mkdir()
    return path
