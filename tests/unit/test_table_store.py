"""The sqlite table store: a mapping on disk that behaves like the dict it replaces."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import faust
import pytest

from streams import table_store
from streams.table_store import DiskDict, open_database


@pytest.fixture
def disk() -> Iterator[DiskDict]:
    db = open_database()
    yield DiskDict(db, "data")
    db.close()


def test_behaves_like_a_dict(disk: DiskDict) -> None:
    disk["e1/b"] = ["owed", "page", None]
    disk["e1/a"] = "tasked"
    disk["search/e1"] = {"cursor": None, "pages": 2, "done": True}
    disk["e1/a"] = "deferred:page"  # replacing an entry does not count it twice

    assert len(disk) == 3
    assert disk["e1/b"] == ["owed", "page", None]
    assert disk["e1/a"] == "deferred:page"
    assert disk.get("e1/missing") is None
    assert "search/e1" in disk and "e1/missing" not in disk and 7 not in disk
    assert list(disk) == ["e1/a", "e1/b", "search/e1"]
    assert dict(disk.items()) == {
        "e1/a": "deferred:page",
        "e1/b": ["owed", "page", None],
        "search/e1": {"cursor": None, "pages": 2, "done": True},
    }

    del disk["e1/b"]
    assert disk.pop("e1/a") == "deferred:page"
    with pytest.raises(KeyError):
        del disk["e1/b"]
    assert len(disk) == 1
    disk.clear()
    assert len(disk) == 0 and list(disk) == []


def test_scans_one_prefix_as_a_range(disk: DiskDict) -> None:
    disk.update({"e1/x": 1, "e10/y": 2, "e1/a": 3, "e2/z": 4, "e1/\U0001f600": 5})

    assert list(disk.rows("e1/")) == [("e1/a", 3), ("e1/x", 1), ("e1/\U0001f600", 5)]
    assert [key for key, _ in disk.rows()] == sorted(disk)


def test_the_database_is_private_and_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = open_database()
    DiskDict(db, "data")["k"] = "v"
    [(_, _, path)] = db.execute("PRAGMA database_list").fetchall()
    assert path == ""  # unnamed: SQLite removes its file when the connection closes or dies
    assert list(tmp_path.iterdir()) == []
    db.close()


def test_faust_finds_the_store_by_its_url_and_keeps_table_entries_in_it() -> None:
    app = faust.App("table-store-test", broker="kafka://127.0.0.1:1", store="memory://")
    on_disk = app.Table("on-disk", default=None, store=table_store.URL)
    in_memory = app.Table("in-memory", default=None)

    on_disk.data["e1/p1"] = ["owed", "page", None]  # the store itself: no changelog here
    assert isinstance(on_disk.data, table_store.Store)
    assert list(table_store.scan(on_disk, "e1/")) == [("e1/p1", ["owed", "page", None])]
    assert on_disk.get("e1/p1") == ["owed", "page", None]
    with pytest.raises(TypeError, match="in-memory"):
        table_store.scan(in_memory, "e1/")
