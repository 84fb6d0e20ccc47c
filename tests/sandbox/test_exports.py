"""The public surface of ``notion_sync.sandbox`` is exactly its sorted ``__all__``."""

from __future__ import annotations

import notion_sync.sandbox as sandbox


def test_all_is_sorted_and_importable() -> None:
    assert sandbox.__all__ == sorted(sandbox.__all__)
    for name in sandbox.__all__:
        assert getattr(sandbox, name) is not None
    public = {n for n in vars(sandbox) if not n.startswith("_")
              and not isinstance(getattr(sandbox, n), type(sandbox))}
    assert public - {"annotations"} == set(sandbox.__all__)
