"""The document store: lossless documents shared by the sink, the renderers and replay.

It keeps each document as one JSON file of its chunks, written
atomically a chunk at a time (a line each), so a crash never leaves half a
document, writing the same document twice is harmless, the worker never holds a
whole one, and the renderers can read a data source's rows back a chunk at a time.
It is also the sink's durable record of what it wrote: a rerun compares
``last_edited_time`` against it to skip unchanged pages. The file store is
content-addressed (sha256), so the same image used by many pages is stored once
and a re-download of an unchanged file is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from notion_sync.core.errors import SinkError
from notion_sync.store.atomic import atomic_write, atomic_writer
from notion_sync.store.chunks import assemble, document_chunks, document_parts
from notion_sync.store.document import Document, IndexEntry, data_source_title

__all__ = [
    "STATE_DIR",
    "DocumentStore",
    "StoredRows",
    "index_entry",
]

#: The folder inside an export's output directory that holds its stores and spool.
STATE_DIR = ".notion-sync"


def _plain_text(rich_text: list[dict[str, Any]] | None) -> str:
    return "".join(part.get("plain_text") or "" for part in rich_text or [])


def _page_title(page: dict[str, Any]) -> str:
    for prop in (page.get("properties") or {}).values():
        if isinstance(prop, dict) and prop.get("type") == "title":
            return _plain_text(prop.get("title"))
    return ""


class _EntryBuilder:
    """An index entry built part by part, so a document is summarised as it streams by."""

    def __init__(self, doc_id: str, kind: str) -> None:
        self.doc_id = doc_id
        self.kind = kind
        self.head: dict[str, Any] = {}
        self.database: dict[str, Any] | None = None
        self.children: list[str] = []
        self.databases: list[str] = []

    def add(self, part: str, value: Any) -> None:
        if part == self.kind and isinstance(value, dict):  # the page, the data source
            self.head = value
        elif part == "database" and isinstance(value, dict):  # a data source's database
            self.database = value
        elif part == "blocks":
            for _depth, block, _has_children in value:
                kind = block.get("type")
                if kind in ("child_page", "child_database"):
                    self.children.append(str(block["id"]))
                    if kind == "child_database":
                        self.databases.append(str(block["id"]))

    def entry(self) -> IndexEntry:
        head, kind = self.head, self.kind
        if kind == "page":
            return IndexEntry(
                id=self.doc_id,
                kind="page",
                title=_page_title(head),
                parent=head.get("parent"),
                database_id=None,
                children=self.children,
                child_databases=self.databases,
                last_edited_time=head.get("last_edited_time"),
            )
        if kind == "data_source":
            return IndexEntry(
                id=self.doc_id,
                kind="data_source",
                title=_plain_text(data_source_title(head, self.database)),
                parent=head.get("database_parent"),
                database_id=(head.get("parent") or {}).get("database_id"),
                children=[],
                child_databases=[],
                last_edited_time=head.get("last_edited_time"),
            )
        return IndexEntry(
            id=self.doc_id,
            kind="users",
            title="",
            parent=None,
            database_id=None,
            children=[],
            child_databases=[],
            last_edited_time=None,
        )


def index_entry(doc: Document) -> IndexEntry:
    """Summarise a document for the layout (title, parent, contained child documents)."""
    builder = _EntryBuilder(doc["id"], doc["kind"])
    for part, value in document_parts(doc):
        builder.add(part, value)
    return builder.entry()


class DocumentStore:
    """Documents by id, each stored as its chunks, plus a small index entry per document.

    A document file is ``{"kind", "id", "chunks": [[part, value], ...]}``: the sink
    writes it chunk by chunk, straight from its spool, and :meth:`get` assembles it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._docs = root / "documents"
        self._index = root / "index"

    def _doc_path(self, doc_id: str) -> Path:
        return self._docs / doc_id[:2] / f"{doc_id}.json"

    def _index_path(self, doc_id: str) -> Path:
        return self._index / doc_id[:2] / f"{doc_id}.json"

    def put(self, doc: Document) -> IndexEntry:
        """Store a whole ``doc`` (idempotent) and return its index entry."""
        return self.put_chunks(doc["id"], doc["kind"], document_chunks(doc))

    def put_chunks(self, doc_id: str, kind: str, chunks: Iterable[tuple[str, bytes]]) -> IndexEntry:
        """Store a document from its ``(part, JSON payload)`` chunks, holding one at a time.

        Raises :class:`SinkError` if a payload is not JSON; the stored copy, if any,
        is then left as it was.
        """
        builder = _EntryBuilder(doc_id, kind)
        with atomic_writer(self._doc_path(doc_id)) as fh:
            fh.write(b'{"kind":%b,"id":%b,"chunks":[' % (orjson.dumps(kind), orjson.dumps(doc_id)))
            for seq, (part, payload) in enumerate(chunks):
                try:
                    builder.add(part, orjson.loads(payload))
                except orjson.JSONDecodeError as exc:
                    problem = f"chunk {seq} ({part}) of {doc_id} is not JSON: {exc}"
                    raise SinkError(problem) from None
                fh.write(b"%b\n[%b,%b]" % (b"," if seq else b"", orjson.dumps(part), payload))
            fh.write(b"\n]}")
        entry = builder.entry()
        atomic_write(self._index_path(doc_id), orjson.dumps(entry))
        return entry

    def get(self, doc_id: str) -> Document | None:
        try:
            data: dict[str, Any] = orjson.loads(self._doc_path(doc_id).read_bytes())
        except FileNotFoundError:
            return None
        return assemble(data["id"], data["kind"], (tuple(chunk) for chunk in data["chunks"]))

    def open(self, doc_id: str) -> Document | None:
        """:meth:`get` for rendering a data source: its rows are :class:`StoredRows`, read
        from the file a chunk at a time each time they are iterated, never held (any
        other document is read whole, as by :meth:`get`)."""
        path = self._doc_path(doc_id)
        head = _read_head(path)
        if head is None or head.get("kind") != "data_source":
            return self.get(doc_id)
        doc = assemble(str(head["id"]), "data_source", _read_chunks(path, rows=False))
        doc["rows"] = StoredRows(path)
        return doc

    def entry(self, doc_id: str) -> IndexEntry | None:
        try:
            data: IndexEntry = orjson.loads(self._index_path(doc_id).read_bytes())
        except FileNotFoundError:
            return None
        return data

    def entries(self) -> Iterator[IndexEntry]:
        """Every index entry, in a stable order (sorted by id)."""
        if not self._index.is_dir():
            return
        for shard in sorted(self._index.iterdir()):
            for path in sorted(shard.glob("*.json")):
                yield orjson.loads(path.read_bytes())

    def ids(self) -> Iterator[str]:
        for entry in self.entries():
            yield entry["id"]


_CHUNK_LINE_END = b",\n"


def _read_head(path: Path) -> dict[str, Any] | None:
    """``kind`` and ``id`` of a document file (its first line); None if there is none."""
    try:
        with path.open("rb") as fh:
            first = fh.readline()
    except FileNotFoundError:
        return None
    head: dict[str, Any] = orjson.loads(first[: -len(b',"chunks":[\n')] + b"}")
    return head


def _read_chunks(path: Path, *, rows: bool) -> Iterator[tuple[str, Any]]:
    """The decoded ``(part, value)`` chunks of a document file, a line at a time: its
    rows, or everything else; the others are skipped undecoded."""
    with path.open("rb") as fh:
        fh.readline()
        for line in fh:
            chunk = line.removesuffix(_CHUNK_LINE_END).removesuffix(b"\n")
            if chunk.startswith(b"[") and chunk.startswith(_ROWS_CHUNK) == rows:
                part, value = orjson.loads(chunk)
                yield part, value


_ROWS_CHUNK = b'["rows",'


class StoredRows:
    """A stored data source's rows, iterated from its file a chunk (≤ ``CHUNK_BYTES``
    of JSON) at a time, as often as a renderer asks."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def __iter__(self) -> Iterator[Any]:
        for _part, rows in _read_chunks(self._path, rows=True):
            yield from rows
