"""Issue 6: the per-document tables' store keeps entries on disk, answering like a dict."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from notion_sync.core.errors import ConfigError
from notion_sync.kafka.table_store import Entries, check_folder, open_database
from notion_sync.kafka.tables import export_entries


def _entries(tmp_path: Path) -> Entries:
    return Entries(open_database(tmp_path, "table"), "data")


def test_it_answers_like_a_dict_and_leaves_no_file(tmp_path: Path) -> None:
    entries = _entries(tmp_path)
    assert list(tmp_path.iterdir()) == []  # unlinked once open: nothing is left after a crash
    entries["e/b"] = ["owed", "page", None]
    entries["e/a"] = "tasked"
    entries["e/a"] = "deferred:page"  # replaced, not added
    entries["search/e"] = {"cursor": "c", "done": False}
    assert len(entries) == 3
    assert entries["e/a"] == "deferred:page" and entries["e/b"] == ["owed", "page", None]
    assert entries.get("e/missing") is None and "e/missing" not in entries and 7 not in entries
    assert list(entries) == ["e/a", "e/b", "search/e"]
    assert dict(entries.items()) == {
        "e/a": "deferred:page",
        "e/b": ["owed", "page", None],
        "search/e": {"cursor": "c", "done": False},
    }
    del entries["e/b"]
    with pytest.raises(KeyError):
        del entries["e/b"]
    with pytest.raises(KeyError):
        entries["e/b"]
    assert len(entries) == 2
    entries.clear()
    assert len(entries) == 0 and list(entries) == []


def test_an_exports_entries_are_one_key_range(tmp_path: Path) -> None:
    entries = _entries(tmp_path)
    for key in ("exp-1/b", "exp-10/x", "exp-1/a", "exp-1/\U0010fffe", "exp-2/a", "search/exp-1"):
        entries[key] = key
    assert [key for key, _ in entries.with_prefix("exp-1/")] == [
        "exp-1/a",
        "exp-1/b",
        "exp-1/\U0010fffe",
    ]

    # Faust's Table holds its store as .data, and the store its mapping as .data.
    table = SimpleNamespace(data=SimpleNamespace(data=entries))
    assert [key for key, _ in export_entries(table, "exp-2")] == ["exp-2/a"]  # type: ignore[arg-type]


def test_a_folder_that_cannot_hold_tables_is_refused_naming_the_setting(tmp_path: Path) -> None:
    check_folder(tmp_path / "state")  # made if missing, and left empty
    assert list((tmp_path / "state").iterdir()) == []
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ConfigError, match="NOTION_SYNC_WORKER__STATE_DIR") as refused:
        check_folder(tmp_path / "a-file" / "state")
    assert str(tmp_path / "a-file" / "state") in str(refused.value)
