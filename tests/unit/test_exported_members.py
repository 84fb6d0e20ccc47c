"""Every package's ``__all__`` names what it exports, and names only what exists."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = [
    "notion_sync",
    "notion_sync.notion",
    "notion_sync.kafka.codec",
    "notion_sync.producers",
    "notion_sync.sinks",
    "notion_sync.sandbox",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_complete_and_resolvable(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported and len(set(exported)) == len(exported)
    for member in exported:
        assert hasattr(module, member), f"{name}.{member}"
