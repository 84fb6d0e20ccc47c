"""Where each document goes in the output tree, computed from index entries alone.

Rules (identical for every format; only the extension differs):

- A document is named ``<safe title> <short id>`` (see :mod:`notion_sync.sinks.names`); its
  file is that name plus the format's extension and the documents it contains
  (subpages, a data source's row pages, its downloaded files) live in a folder
  of the same name beside it, as in Notion's own export.
- A page whose parent is a page, a data source (a row) or a block of an exported
  page goes in that page's / data source's folder; a data source goes where its
  database sits. Anything whose parent was not exported goes at the top level.
- Siblings are listed in natural order of their titles
  (:func:`~notion_sync.sinks.names.natural_key`: "Article 2" before "Article 10",
  case-insensitive), ties broken by name and then id, so the order is the same on
  every run.
- Names are compared case-folded; on a clash (same title *and* same short id, or
  titles that sanitise alike) the later id, in id order, gets its full 32-hex id
  instead, so names are unique and the same on every run.
- Names never contain a separator or ``..``, so no path escapes the output root.
  Top-level names the export itself uses (``index.html``, the stylesheet,
  ``users.json``) cannot clash: document names always end in hex digits.

The layout is kept in a private SQLite file (:mod:`notion_sync.core.scratch_db`), not
in Python objects: an entry for every document of the workspace costs disk, and
the process rendering an export only SQLite's page cache and a few recently used
rows. Every step of building it reads the documents a batch at a time.
"""

from __future__ import annotations

import functools
import posixpath
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from notion_sync.core.scratch_db import open_scratch_db
from notion_sync.sinks.names import (
    UNTITLED,
    casefold_key,
    natural_key,
    norm_id,
    safe_component,
    short_id,
)
from notion_sync.store.document import DocumentKind, FileRef, IndexEntry

__all__ = ["Layout", "TreeItem", "build_layout", "notion_url"]

_DOC_EXTENSIONS = (".md", ".html", ".csv", ".json")
#: SQLite's page cache for a layout: its whole cost in memory, whatever the workspace.
PAGE_CACHE_KB = 2048
#: Documents read, worked on and written back per statement while the layout is built.
_BATCH = 1000
#: Recently used documents kept as Python objects (a page's ancestors, its link targets).
_ROW_CACHE = 4096
_TOP = ""  # the parent of a document at the top level

_SCHEMA = """
CREATE TABLE doc (
    id TEXT PRIMARY KEY,  -- norm_id form, like every id here
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    database TEXT,  -- a data source's database
    parent_type TEXT,  -- the served parent object
    parent_target TEXT,
    parent TEXT,  -- the exported document it goes in, _TOP for the top level
    name TEXT,  -- file name without extension
    name_key TEXT,  -- casefold_key(name)
    sort_key TEXT,  -- natural_key(title)
    rank INTEGER,  -- position among its siblings, in natural order
    stem TEXT  -- path from the format root, without extension
) WITHOUT ROWID;
CREATE TABLE holds (child TEXT NOT NULL, holder TEXT NOT NULL);
"""


def notion_url(notion_id: str) -> str:
    """The canonical web URL of any Notion page or database id."""
    return f"https://www.notion.so/{norm_id(notion_id)}"


class _Row(NamedTuple):
    title: str
    parent: str
    stem: PurePosixPath


class TreeItem(NamedTuple):
    """One document of the export's tree, as every format's index lists it.

    :param depth: 0 at the top level.
    :param stem: its path from the format root, ``/``-separated, without extension (a
        string: a path object per document would intern every name for good).
    :param children: how many documents are directly inside it (a data source's rows).
    """

    depth: int
    id: str
    kind: DocumentKind
    title: str
    stem: str
    children: int

    def path(self, extension: str) -> PurePosixPath:
        """Its file for a format (``extension`` like ``.md``), relative to the format root."""
        return PurePosixPath(self.stem + extension)


class Layout:
    """The output tree of one export: document paths, parents and titles by id.

    Ids may be given in any spelling; ids returned are in :func:`notion_sync.sinks.names.norm_id`
    form. A path is relative to a format root. Close the layout (or use it as a
    context manager) to drop its file at once rather than when it is collected.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._row = functools.lru_cache(maxsize=_ROW_CACHE)(self._read_row)

    def __enter__(self) -> Layout:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._row.cache_clear()
        self._db.close()

    def _read_row(self, key: str) -> _Row | None:
        found = self._db.execute(
            "SELECT title, parent, stem FROM doc WHERE id = ?", (key,)
        ).fetchone()
        if found is None:
            return None
        title, parent, stem = found
        return _Row(title, parent, PurePosixPath(stem))

    def __contains__(self, notion_id: object) -> bool:
        return isinstance(notion_id, str) and self._row(norm_id(notion_id)) is not None

    def resolve(self, notion_id: str) -> str | None:
        """The exported document standing for a page, data source or database id."""
        key = norm_id(notion_id)
        if self._row(key) is not None:
            return key
        return _first_source(self._db, key)

    def sources(self, database_id: str) -> list[str]:
        """The exported data sources of a database, in natural order of their titles."""
        query = "SELECT id FROM doc WHERE database = ? ORDER BY sort_key, name_key, id"
        return [key for (key,) in self._db.execute(query, (norm_id(database_id),))]

    def path(self, doc_id: str, extension: str) -> PurePosixPath:
        """Relative path of a document's file for a format (``extension`` like ``.md``)."""
        stem = self._known(doc_id).stem
        return stem.with_name(stem.name + extension)

    def folder(self, doc_id: str) -> PurePosixPath:
        """Relative folder holding what a document contains (subpages, rows, files)."""
        return self._known(doc_id).stem

    def _known(self, doc_id: str) -> _Row:
        row = self._row(norm_id(doc_id))
        if row is None:
            raise KeyError(doc_id)
        return row

    def title(self, notion_id: str) -> str | None:
        key = self.resolve(notion_id)
        row = self._row(key) if key else None
        return row.title if row else None

    def ancestors(self, doc_id: str) -> list[str]:
        """Ids from the top level down to (not including) ``doc_id``."""
        chain: list[str] = []
        row = self._row(norm_id(doc_id))
        while row is not None and row.parent != _TOP:  # build_layout broke every cycle
            chain.append(row.parent)
            row = self._row(row.parent)
        return chain[::-1]

    def _inside(self, parent: str) -> Iterator[tuple[str, DocumentKind, str, str, int]]:
        """The documents directly inside ``parent``, in natural order, each with its count."""
        query = (
            "SELECT id, kind, title, stem,"
            " (SELECT COUNT(*) FROM doc AS inner_doc WHERE inner_doc.parent = doc.id)"
            " FROM doc WHERE parent = ? ORDER BY rank"
        )
        return iter(self._db.execute(query, (parent,)))

    def tree(self) -> Iterator[TreeItem]:
        """Every document depth-first, siblings in natural order: the order of every index.

        One open query per level, so a tree deeper than Python's stack is fine too.
        """
        levels = [self._inside(_TOP)]
        while levels:
            found = next(levels[-1], None)
            if found is None:
                levels.pop()
                continue
            key, kind, title, stem, inside = found
            yield TreeItem(len(levels) - 1, key, kind, title, stem, inside)
            if inside:
                levels.append(self._inside(key))

    def place_files(self, doc_id: str, files: Mapping[str, FileRef]) -> dict[str, PurePosixPath]:
        """Map each served URL of a document's files to its path in the document's folder.

        Names come from the file's own name, made safe; duplicates get `` (2)``,
        `` (3)``… in (name, sha256) order, and names of the folder's documents are
        avoided, so files never overwrite pages. URLs differ on every fetch but the
        placement depends only on names and content, so it is stable across runs.
        """
        folder = self.folder(doc_id)
        parent = norm_id(doc_id)
        taken: set[str] = set()

        def is_taken(key: str) -> bool:
            if key in taken:
                return True
            names = [key] + [key[: -len(ext)] for ext in _DOC_EXTENSIONS if key.endswith(ext)]
            marks = ",".join("?" * len(names))
            query = f"SELECT 1 FROM doc WHERE parent = ? AND name_key IN ({marks}) LIMIT 1"
            return self._db.execute(query, (parent, *names)).fetchone() is not None

        by_blob: dict[tuple[str, str], PurePosixPath] = {}
        placed: dict[str, PurePosixPath] = {}
        for url, ref in sorted(
            files.items(), key=lambda kv: (kv[1].get("name") or "", kv[1]["sha256"], kv[0])
        ):
            key = (ref.get("name") or "", ref["sha256"])
            if key not in by_blob:
                name = _unique_file_name(ref.get("name") or "", is_taken)
                taken.add(casefold_key(name))
                by_blob[key] = folder / name
            placed[url] = by_blob[key]
        return placed


def _unique_file_name(name: str, is_taken: Callable[[str], bool]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = name, ""
    base = safe_component(stem, limit=60, fallback="file")
    ext = safe_component(ext, limit=16, fallback="") if ext else ""
    suffix = f".{ext}" if ext else ""
    candidate, n = base + suffix, 1
    while is_taken(casefold_key(candidate)):
        n += 1
        candidate = f"{base} ({n}){suffix}"
    return candidate


def build_layout(entries: Iterable[IndexEntry], folder: Path | None = None) -> Layout:
    """Compute the whole tree from index entries (no document is loaded).

    :param folder: where the layout's file goes (SQLite's temporary directory if None).
    """
    db = open_scratch_db(folder, "layout", cache_kb=PAGE_CACHE_KB)
    try:
        db.executescript(_SCHEMA)
        _load(db, entries)
        _place(db)
        _break_cycles(db)
        _name_tree(db)
    except BaseException:
        db.close()
        raise
    return Layout(db)


def _load(db: sqlite3.Connection, entries: Iterable[IndexEntry]) -> None:
    docs = (e for e in entries if e["kind"] in ("page", "data_source"))
    while batch := list(islice(docs, _BATCH)):
        db.execute("BEGIN")
        db.executemany(
            "INSERT OR REPLACE INTO doc (id, kind, title, database, parent_type, parent_target)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            map(_doc_row, batch),
        )
        db.executemany(
            "INSERT INTO holds VALUES (?, ?)",
            ((norm_id(c), norm_id(e["id"])) for e in batch for c in e.get("children") or []),
        )
        db.execute("COMMIT")
    db.executescript(
        "CREATE INDEX holds_child ON holds (child, holder);"
        "CREATE INDEX doc_database ON doc (database, id) WHERE database IS NOT NULL;"
    )


def _doc_row(entry: IndexEntry) -> tuple[str | None, ...]:
    database = entry.get("database_id") if entry["kind"] == "data_source" else None
    parent: Mapping[str, Any] = entry.get("parent") or {}
    kind = parent.get("type")
    target = parent.get(kind) if isinstance(kind, str) else None
    return (
        norm_id(entry["id"]),
        entry["kind"],
        entry.get("title") or "",
        norm_id(database) if database else None,
        kind if isinstance(kind, str) else None,
        norm_id(target) if isinstance(target, str) else None,
    )


def _first_source(db: sqlite3.Connection, database: str) -> str | None:
    """The data source that stands for a database: its first, in id order."""
    found: str | None = db.execute(
        "SELECT MIN(id) FROM doc WHERE database = ?", (database,)
    ).fetchone()[0]
    return found


def _batches(db: sqlite3.Connection, columns: str, order: str) -> Iterator[list[Any]]:
    """Every document's ``columns`` in ``order`` (a unique key), a batch at a time, so the
    caller may write to the table between batches."""
    width = order.count(",") + 1
    last: tuple[Any, ...] = ()
    while True:
        after = f"WHERE ({order}) > ({','.join('?' * width)})" if last else ""
        rows = db.execute(
            f"SELECT {columns}, {order} FROM doc {after} ORDER BY {order} LIMIT {_BATCH}", last
        ).fetchall()
        if not rows:
            return
        last = tuple(rows[-1][-width:])
        yield [row[:-width] for row in rows]


def _place(db: sqlite3.Connection) -> None:
    """Set every document's exported parent: the rules of the module docstring, in order."""

    def holder(key: str) -> str | None:
        found = db.execute("SELECT MIN(holder) FROM holds WHERE child = ?", (key,)).fetchone()
        return found[0] if found else None

    def exported(key: str) -> bool:
        return db.execute("SELECT 1 FROM doc WHERE id = ?", (key,)).fetchone() is not None

    def parent_of(
        me: str, kind: str, database: str | None, ptype: str | None, target: str | None
    ) -> str:
        if kind == "data_source" and database:
            held_by = holder(database)
            if held_by and held_by != me:
                return held_by
        if ptype in ("page_id", "data_source_id") and target and target != me and exported(target):
            return target
        if ptype == "database_id" and target:
            first = _first_source(db, target)
            if first and first != me:
                return first
        held_by = holder(me)
        return held_by if held_by and held_by != me else _TOP

    columns = "id, kind, database, parent_type, parent_target"
    for batch in _batches(db, columns, "id"):
        db.executemany(
            "UPDATE doc SET parent = ? WHERE id = ?", ((parent_of(*row), row[0]) for row in batch)
        )
    # An index on (parent) holds the key too, so it serves ORDER BY parent, id.
    db.execute("CREATE INDEX doc_parent ON doc (parent)")
    db.execute("CREATE INDEX doc_names ON doc (parent, name_key)")


def _break_cycles(db: sqlite3.Connection) -> None:
    """A parent chain that loops (corrupt or hostile data) is cut at the smallest id.

    Only documents that do not reach the top level are walked (none, in a healthy
    export), in id order, so the cut is the same on every run.
    """
    stranded = db.execute(
        "WITH RECURSIVE reach(id) AS (SELECT id FROM doc WHERE parent = ?"
        " UNION ALL SELECT doc.id FROM doc JOIN reach ON doc.parent = reach.id)"
        " SELECT id FROM doc WHERE id NOT IN reach ORDER BY id",
        (_TOP,),
    ).fetchall()
    settled: set[str] = set()
    for (start,) in stranded:
        path: dict[str, int] = {}  # this walk, in order (dicts keep insertion order)
        node = start
        while node != _TOP and node not in settled and node not in path:
            path[node] = len(path)
            node = db.execute("SELECT parent FROM doc WHERE id = ?", (node,)).fetchone()[0]
        if node in path:
            cut = min(list(path)[path[node] :])
            db.execute("UPDATE doc SET parent = ? WHERE id = ?", (_TOP, cut))
        settled.update(path)


def _name_tree(db: sqlite3.Connection) -> None:
    """Name siblings in id order (the earliest id keeps the short name), then rank them in
    natural order of their titles and give each document its path."""

    def taken(parent: str, key: str) -> bool:
        query = "SELECT 1 FROM doc WHERE parent = ? AND name_key = ?"
        return db.execute(query, (parent, key)).fetchone() is not None

    for batch in _batches(db, "parent, id, title", "parent, id"):
        named: list[tuple[str, str, str, str]] = []
        pending: set[tuple[str, str]] = set()  # this batch's names, not yet in the table
        for parent, doc_id, title in batch:
            safe = safe_component(title)
            name = f"{safe} {short_id(doc_id)}"
            key = casefold_key(name)
            if (parent, key) in pending or taken(parent, key):
                name = f"{safe} {doc_id}"
                key = casefold_key(name)
            pending.add((parent, key))
            named.append((name, key, natural_key(title or UNTITLED), doc_id))
        db.executemany("UPDATE doc SET name = ?, name_key = ?, sort_key = ? WHERE id = ?", named)
    db.executescript(
        "UPDATE doc SET rank = ranked.rank FROM (SELECT id, ROW_NUMBER() OVER"
        " (PARTITION BY parent ORDER BY sort_key, name_key, id) AS rank FROM doc) AS ranked"
        " WHERE doc.id = ranked.id;"
        "CREATE INDEX doc_children ON doc (parent, rank);"
    )
    db.execute(
        "WITH RECURSIVE tree(id, stem) AS (SELECT id, name FROM doc WHERE parent = ?"
        " UNION ALL SELECT doc.id, tree.stem || '/' || doc.name FROM doc"
        " JOIN tree ON doc.parent = tree.id)"
        " UPDATE doc SET stem = tree.stem FROM tree WHERE doc.id = tree.id",
        (_TOP,),
    )


def relative_href(from_file: PurePosixPath, to_path: PurePosixPath) -> str:
    """A relative path from one file of the tree to another, in POSIX form."""
    return posixpath.relpath(str(to_path), str(from_file.parent) or ".")
