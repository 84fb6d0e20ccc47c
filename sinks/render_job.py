"""Render one finished export in a process of its own: ``python -m sinks.render_job``.

The worker hands each render to a short-lived child. What rendering needs (the
layout of the whole export, the renderers, one document at a time) then never
lives in the worker, whose memory must stay flat however large the workspace,
and the render uses another core instead of taking the GIL from the worker's
event loop. The child imports only the sinks (~20 MB of RSS).

Protocol: the parent writes ``{"export": {...}}`` and then one ``[id, [outcome,
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
from pathlib import Path
from typing import Any

import orjson

from sinks.export import render_export, workspace_name
from sinks.manifest import build_manifest
from sinks.store import STATE_DIR, DocumentStore, FileStore, atomic_write

__all__ = ["render_documents"]


def render_documents(
    export: dict[str, Any], documents: list[tuple[str, list[Any]]]
) -> tuple[dict[str, int], int]:
    """Render every exported document of ``export`` and write its manifest."""
    out_dir = Path(export["out_dir"])
    store = DocumentStore(out_dir / STATE_DIR)
    included = {
        doc_id for doc_id, (outcome, *_rest) in documents if outcome in ("assembled", "unchanged")
    }
    report = render_export(
        store,
        FileStore(out_dir / STATE_DIR),
        export["formats"],
        out_dir,
        workspace_name=workspace_name(store),
        only=included,
    )
    written = dict(report.written)
    finished_at = int(time.time() * 1000)
    manifest = build_manifest(
        export,
        documents,
        written,
        finished_at,
        extra={"render": report.summary()},
    )
    atomic_write(out_dir / "manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return written, finished_at


def main() -> None:
    lines = iter(sys.stdin.buffer)
    export = orjson.loads(next(lines))["export"]
    documents = [(doc_id, entry) for doc_id, entry in map(orjson.loads, lines)]
    written, finished_at = render_documents(export, documents)
    sys.stdout.buffer.write(orjson.dumps({"written": written, "finished_at": finished_at}))


if __name__ == "__main__":
    main()
