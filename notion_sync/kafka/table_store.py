"""A Faust table store that keeps its entries in a local SQLite file: ``store=URL``.

The per-document tables (the fetcher's ``fetch-planned``, the ledger's
``ledger-documents``) hold an entry for every document of a running export. In
Faust's memory store each entry is a handful of small Python objects, and a
worker's RSS grew with the workspace, by more than the entries themselves: they
stay scattered among the short-lived objects of the export, so the allocator's
arenas around them can never be given back. Here the entries cost disk, and the
worker's memory only SQLite's small page cache.

Like the memory store it is a cache of the changelog, never the record:
``persisted_offset`` is ``None``, so Faust rebuilds it from the changelog topic
whenever a worker takes a partition. The file lives in Faust's ``tabledir`` (the
worker's ``state_dir``) and is unlinked as soon as it is open, the way SQLite
treats its own temporary databases: it goes with the process, even after a
kill -9, and workers sharing a directory never meet. Keys are strings; values
anything orjson writes.

Registered under Faust's ``faust.stores`` entry point namespace (``pyproject.toml``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import ItemsView, Iterator, KeysView, MutableMapping
from pathlib import Path
from typing import Any

import orjson
import yarl
from faust.stores import memory
from faust.types import AppT, CollectionT

from notion_sync.core.errors import ConfigError
from notion_sync.core.scratch_db import open_scratch_db
from notion_sync.kafka.faust_patches import keep_entries_in

__all__ = ["PAGE_CACHE_KB", "URL", "Entries", "Store", "check_folder", "open_database"]

#: The ``store`` argument of a table kept here (Faust reads the scheme; the rest names
#: nothing, since where the file goes is the app's ``tabledir``).
URL = "notion-sync-sqlite://tabledir"

#: SQLite's page cache per store: what a table costs in memory, whatever its size.
PAGE_CACHE_KB = 512
# Sorts after every string that starts with a given prefix (SQLite compares UTF-8 bytes).
_PAST_EVERY_CHARACTER = chr(0x10FFFF)


def open_database(folder: Path, name: str) -> sqlite3.Connection:
    """A private database file in ``folder`` for one table, unlinked once open."""
    return open_scratch_db(folder, name, cache_kb=PAGE_CACHE_KB)


def check_folder(folder: Path) -> None:
    """Refuse, before the worker joins its group, a folder that cannot hold the tables:
    Faust would find out half-way through its start, with a traceback."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        open_database(folder, "check").close()
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(
            f"cannot keep the worker's tables in {folder}: {exc} (set worker.state_dir, "
            "or NOTION_SYNC_WORKER__STATE_DIR, to a writable directory)"
        ) from exc


class Entries(MutableMapping[str, Any]):
    """A string-keyed mapping in one table of a SQLite database, values as JSON."""

    def __init__(self, db: sqlite3.Connection, name: str) -> None:
        self._db = db
        self._name = name
        db.execute(f'CREATE TABLE "{name}" (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID')
        self._count = 0  # kept here: COUNT(*) reads the whole table

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
            self._count += 1

    def __delitem__(self, key: str) -> None:
        cur = self._db.execute(f'DELETE FROM "{self._name}" WHERE key = ?', (key,))
        if cur.rowcount == 0:
            raise KeyError(key)
        self._count -= 1

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        query = f'SELECT 1 FROM "{self._name}" WHERE key = ?'
        return self._db.execute(query, (key,)).fetchone() is not None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        for (key,) in self._db.execute(f'SELECT key FROM "{self._name}" ORDER BY key'):
            yield key

    def keys(self) -> KeysView[str]:
        return KeysView(self)

    def items(self) -> ItemsView[str, Any]:
        return _Items(self)

    def with_prefix(self, prefix: str) -> Iterator[tuple[str, Any]]:
        """The entries whose key starts with ``prefix``, in key order, read as one range."""
        cur = self._db.execute(
            f'SELECT key, value FROM "{self._name}" WHERE key >= ? AND key < ? ORDER BY key',
            (prefix, prefix + _PAST_EVERY_CHARACTER),
        )
        for key, value in cur:
            yield key, orjson.loads(value)

    def clear(self) -> None:
        self._db.execute(f'DELETE FROM "{self._name}"')
        self._count = 0


class _Items(ItemsView[str, Any]):
    """Items read in one pass, not a key lookup per entry."""

    _mapping: Entries

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return self._mapping.with_prefix("")


class Store(memory.Store):
    """Faust's memory store with both of its mappings in a SQLite file."""

    def __init__(self, url: str | yarl.URL, app: AppT, table: CollectionT, **kwargs: Any) -> None:
        super().__init__(url, app, table, **kwargs)
        self._db = open_database(Path(app.conf.tabledir), self.table_name)
        keep_entries_in(self, Entries(self._db, "data"), Entries(self._db, "key_partition"))
