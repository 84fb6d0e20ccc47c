"""A Faust table store that keeps entries on local disk: ``store="sqlite://local"``.

The per-document tables (the fetcher's ``fetch-planned``, the ledger's
``ledger-documents``) gain an entry for every document an export finds, so in
Faust's memory store a worker's RSS grows with the workspace (166 MB with
67,000 pages of a 100,000-page export planned). This store keeps the entries in
a private temporary SQLite database instead, with a small page cache, so memory
stays flat and the entries cost disk (~0.1 kB each).

It is a cache of the changelog, exactly like the memory store: nothing is
persisted across restarts (``persisted_offset`` is ``None``), so Faust rebuilds
it from the changelog topic on start, and SQLite deletes the file when the
connection closes, or the process dies. Keys are strings; values anything
orjson writes (the tables hold strings, lists and dicts).

Registered under the ``faust.stores`` entry point namespace (``pyproject.toml``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import ItemsView, Iterator, MutableMapping
from typing import Any

import orjson
from faust.stores import memory
from faust.types import TableT

__all__ = ["PAGE_CACHE_KB", "URL", "DiskDict", "Store", "scan"]

#: The ``store`` argument of a table kept here (Faust ignores a URL with nothing after
#: the scheme, so it names a host; the database is always a private temporary one).
URL = "sqlite://local"

#: SQLite's page cache per table store; the rest of the entries stay on disk.
PAGE_CACHE_KB = 1024
# Sorts after any string that starts with a given prefix (SQLite compares UTF-8 bytes).
_AFTER_EVERY_CHARACTER = chr(0x10FFFF)


class DiskDict(MutableMapping[str, Any]):
    """A string-keyed mapping in one table of a SQLite database, values as JSON."""

    def __init__(self, db: sqlite3.Connection, name: str) -> None:
        self._db = db
        self._name = name
        db.execute(f'CREATE TABLE "{name}" (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID')
        self._len = 0  # kept here: COUNT(*) scans the table

    def __getitem__(self, key: str) -> Any:
        row = self._db.execute(f'SELECT value FROM "{self._name}" WHERE key = ?', (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return orjson.loads(row[0])

    def __setitem__(self, key: str, value: Any) -> None:
        data = orjson.dumps(value)
        cur = self._db.execute(f'UPDATE "{self._name}" SET value = ? WHERE key = ?', (data, key))
        if cur.rowcount == 0:
            self._db.execute(f'INSERT INTO "{self._name}" VALUES (?, ?)', (key, data))
            self._len += 1

    def __delitem__(self, key: str) -> None:
        cur = self._db.execute(f'DELETE FROM "{self._name}" WHERE key = ?', (key,))
        if cur.rowcount == 0:
            raise KeyError(key)
        self._len -= 1

    def __contains__(self, key: object) -> bool:
        query = f'SELECT 1 FROM "{self._name}" WHERE key = ?'
        return isinstance(key, str) and self._db.execute(query, (key,)).fetchone() is not None

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        for (key,) in self._db.execute(f'SELECT key FROM "{self._name}" ORDER BY key'):
            yield key

    def items(self) -> ItemsView[str, Any]:
        return _Items(self)

    def rows(self, prefix: str = "") -> Iterator[tuple[str, Any]]:
        """The entries whose key starts with ``prefix``, in key order, read as one range."""
        cur = self._db.execute(
            f'SELECT key, value FROM "{self._name}" WHERE key >= ? AND key < ? ORDER BY key',
            (prefix, prefix + _AFTER_EVERY_CHARACTER),
        )
        for key, value in cur:
            yield key, orjson.loads(value)

    def clear(self) -> None:
        self._db.execute(f'DELETE FROM "{self._name}"')
        self._len = 0


class _Items(ItemsView[str, Any]):
    _mapping: DiskDict

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return self._mapping.rows()


def open_database() -> sqlite3.Connection:
    """A private temporary database: SQLite removes its file when it is closed.

    No journal and no syncing: the contents are rebuilt from the changelog after
    any crash, so there is nothing to make durable here.
    """
    db = sqlite3.connect("", isolation_level=None)
    db.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KB}")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA temp_store = FILE")
    return db


class Store(memory.Store):
    """Faust's memory store with both of its mappings on disk."""

    def __post_init__(self) -> None:
        self._db = open_database()
        self.data = DiskDict(self._db, "data")
        self._key_partition = DiskDict(self._db, "key_partition")


def scan(table: TableT[Any, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    """The entries of a table kept in this store whose key starts with ``prefix``.

    Lazy: a caller that changes the table while it scans takes a list first.
    """
    data = getattr(table.data, "data", None)
    if not isinstance(data, DiskDict):
        raise TypeError(f"table {table.name!r} is not kept in the {URL} store")
    return data.rows(prefix)
