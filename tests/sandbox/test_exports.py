"""The public surface of ``notion_sync.sandbox`` is exactly its ``__all__`` (ruff keeps it
sorted)."""

from __future__ import annotations

import notion_sync.sandbox as sandbox


def test_all_is_complete_and_importable() -> None:
    assert len(set(sandbox.__all__)) == len(sandbox.__all__)
    for name in sandbox.__all__:
        assert getattr(sandbox, name) is not None
    public = {
        n
        for n in vars(sandbox)
        if not n.startswith("_") and not isinstance(getattr(sandbox, n), type(sandbox))
    }
    assert public - {"annotations"} == set(sandbox.__all__)
