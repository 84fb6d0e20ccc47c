"""Render one finished export in a process of its own: ``python -m notion_sync.sinks.render_job``.

The worker hands each render to a short-lived child. What rendering needs (the
layout of the whole export, the renderers, one document at a time) then never
lives in the worker, whose memory must stay flat however large the workspace,
and the render uses another core instead of taking the GIL from the worker's
event loop. The child imports only the sinks and what they need, and keeps what
grows with the export (the list of its documents, the layout) in private
SQLite files in the export's state folder, so its own memory stays flat too.

Protocol: the parent writes ``{"export": {...}, "markdown": {...}}`` (the
markdown format's settings, defaults if absent) and then one ``[id, [outcome,
kind, reason]]`` per document (the ledger's view), each a line of JSON, on
stdin; the child renders,
writes ``manifest.json`` and answers ``{"written": {format: count},
"finished_at": ms}`` on stdout with exit status 0. Anything else is a failure
whose reason is on stderr. Rendering twice gives the same bytes, so a render cut
short by a crash is simply run again.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import msgspec
import orjson

from notion_sync.core.config import MarkdownSettings
from notion_sync.core.scratch_db import open_scratch_db
from notion_sync.sinks.export import render_export, workspace_name
from notion_sync.sinks.manifest import build_manifest
from notion_sync.sinks.names import norm_id
from notion_sync.store.atomic import atomic_write
from notion_sync.store.documents import STATE_DIR, DocumentStore
from notion_sync.store.files import FileStore

__all__ = ["OwedDocuments", "render_documents"]

_BATCH = 1000
_RENDERED = ("assembled", "unchanged")


class OwedDocuments:
    """The ledger's view of an export's documents, a row each in a private SQLite file.

    ``id in owed`` asks whether a document is to be rendered (assembled or
    unchanged); iterating gives back ``(id, [outcome, kind, reason])`` in the order
    they were added.
    """

    def __init__(self, folder: Path, documents: Iterable[tuple[str, list[Any]]]) -> None:
        self._db = open_scratch_db(folder, "owed", cache_kb=512)
        self._db.execute(
            "CREATE TABLE owed (seq INTEGER PRIMARY KEY, id TEXT, outcome TEXT, kind TEXT,"
            " reason TEXT, key TEXT)"
        )
        rows = iter(documents)
        while batch := list(islice(rows, _BATCH)):
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO owed (id, outcome, kind, reason, key) VALUES (?, ?, ?, ?, ?)",
                ((doc_id, *entry, norm_id(doc_id)) for doc_id, entry in batch),
            )
            self._db.execute("COMMIT")
        self._db.execute("CREATE INDEX owed_key ON owed (key)")

    def close(self) -> None:
        self._db.close()

    def __contains__(self, doc_id: object) -> bool:
        if not isinstance(doc_id, str):
            return False
        query = "SELECT 1 FROM owed WHERE key = ? AND outcome IN (?, ?)"
        return self._db.execute(query, (norm_id(doc_id), *_RENDERED)).fetchone() is not None

    def __iter__(self) -> Iterator[tuple[str, list[Any]]]:
        query = "SELECT id, outcome, kind, reason FROM owed ORDER BY seq"
        for doc_id, *entry in self._db.execute(query):
            yield doc_id, entry


def render_documents(
    export: dict[str, Any],
    documents: Iterable[tuple[str, list[Any]]],
    markdown: MarkdownSettings | None = None,
) -> tuple[dict[str, int], int]:
    """Render every exported document of ``export`` and write its manifest."""
    out_dir = Path(export["out_dir"])
    state = out_dir / STATE_DIR
    store = DocumentStore(state)
    owed = OwedDocuments(state, documents)
    try:
        report = render_export(
            store,
            FileStore(state),
            export["formats"],
            out_dir,
            workspace_name=workspace_name(store),
            only=owed,
            scratch_dir=state,
            markdown=markdown,
        )
        written = dict(report.written)
        finished_at = int(time.time() * 1000)
        manifest = build_manifest(
            export, owed, written, finished_at, extra={"render": report.summary()}
        )
    finally:
        owed.close()
    atomic_write(out_dir / "manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return written, finished_at


def main() -> None:
    lines = iter(sys.stdin.buffer)
    header = orjson.loads(next(lines))
    markdown = msgspec.convert(header.get("markdown") or {}, MarkdownSettings)
    documents = ((doc_id, entry) for doc_id, entry in map(orjson.loads, lines))
    written, finished_at = render_documents(header["export"], documents, markdown)
    sys.stdout.buffer.write(orjson.dumps({"written": written, "finished_at": finished_at}))


if __name__ == "__main__":
    main()
