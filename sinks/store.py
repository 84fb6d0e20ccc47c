"""Durable, idempotent on-disk stores shared by the sink, the renderers and replay.

The document store keeps each assembled document as one JSON file written
atomically, so a crash never leaves half a document and writing the same
document twice is harmless. It is also the sink's durable record of what it
wrote: a rerun compares ``last_edited_time`` against it to skip unchanged pages.
The file store is content-addressed (sha256), so the same image used by many
pages is stored once and a re-download of an unchanged file is a no-op.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from sinks.document import Document, IndexEntry

__all__ = ["STATE_DIR", "DocumentStore", "FileStore", "atomic_write", "index_entry"]

#: The folder inside an export's output directory that holds its stores and spool.
STATE_DIR = ".notion-sync"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a mix.

    A kill -9 mid-write leaves the temporary file behind; it is named so that no
    scan for data files (``*.json``, a spool's ``000001.*``) ever reads it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _plain_text(rich_text: list[dict[str, Any]] | None) -> str:
    return "".join(part.get("plain_text") or "" for part in rich_text or [])


def _page_title(page: dict[str, Any]) -> str:
    for prop in (page.get("properties") or {}).values():
        if isinstance(prop, dict) and prop.get("type") == "title":
            return _plain_text(prop.get("title"))
    return ""


def _child_documents(blocks: list[dict[str, Any]]) -> Iterator[str]:
    for block in blocks:
        if block.get("type") in ("child_page", "child_database"):
            yield str(block["id"])
        yield from _child_documents(block.get("children") or [])


def index_entry(doc: Document) -> IndexEntry:
    """Summarise a document for the layout (title, parent, contained child documents)."""
    kind = doc["kind"]
    if kind == "page":
        page = doc["page"]
        return IndexEntry(
            id=doc["id"],
            kind="page",
            title=_page_title(page),
            parent=page.get("parent"),
            database_id=None,
            children=list(_child_documents(doc.get("blocks") or [])),
            last_edited_time=page.get("last_edited_time"),
        )
    if kind == "data_source":
        source = doc["data_source"]
        parent = source.get("parent") or {}
        return IndexEntry(
            id=doc["id"],
            kind="data_source",
            title=_plain_text(source.get("title")),
            parent=source.get("database_parent"),
            database_id=parent.get("database_id"),
            children=[],
            last_edited_time=source.get("last_edited_time"),
        )
    return IndexEntry(
        id=doc["id"],
        kind=kind,
        title="",
        parent=None,
        database_id=None,
        children=[],
        last_edited_time=None,
    )


class DocumentStore:
    """Assembled documents by id, plus a small index entry per document."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._docs = root / "documents"
        self._index = root / "index"

    def _doc_path(self, doc_id: str) -> Path:
        return self._docs / doc_id[:2] / f"{doc_id}.json"

    def _index_path(self, doc_id: str) -> Path:
        return self._index / doc_id[:2] / f"{doc_id}.json"

    def put(self, doc: Document) -> IndexEntry:
        """Store ``doc`` (idempotent) and return its index entry."""
        entry = index_entry(doc)
        atomic_write(self._doc_path(doc["id"]), orjson.dumps(doc))
        atomic_write(self._index_path(doc["id"]), orjson.dumps(entry))
        return entry

    def get(self, doc_id: str) -> Document | None:
        try:
            data: Document = orjson.loads(self._doc_path(doc_id).read_bytes())
        except FileNotFoundError:
            return None
        return data

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


class FileStore:
    """Content-addressed blobs: ``<root>/files/<sha[:2]>/<sha>``."""

    def __init__(self, root: Path) -> None:
        self.root = root / "files"

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its sha256 (hex)."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path_for(digest)
        if not path.exists():
            atomic_write(path, data)
        return digest

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()
