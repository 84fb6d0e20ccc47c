"""The render agent: once the ledger says every document is in, render the export.

Rendering waits for the whole export because names and links need every
document's place in the tree. It runs in a thread so the worker keeps
heartbeating, writes only changed files (atomically), then the manifest, then
announces ExportCompleted. Rendering again after a crash gives the same bytes.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import faust
import orjson

from notion_sync import metrics
from sinks.export import render_export, workspace_name
from sinks.manifest import build_manifest
from sinks.store import DocumentStore, FileStore, atomic_write
from streams.events import Emitter, now_ms
from streams.fetcher import STATE_DIR
from streams.ledger import Ledger

__all__ = ["register_render", "render_documents"]

log = logging.getLogger(__name__)


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
    for fmt, count in written.items():
        metrics.DOCUMENTS_EXPORTED.labels(fmt).inc(count)
    finished_at = now_ms()
    manifest = build_manifest(
        export,
        documents,
        written,
        finished_at,
        extra={"render": report.summary()},
    )
    atomic_write(out_dir / "manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return written, finished_at


def register_render(app: faust.App, emitter: Emitter, ledger: Ledger) -> None:
    rendered: set[str] = set()

    @app.agent(emitter.events, name="render")
    async def render(stream: faust.StreamT[bytes]) -> None:
        async for _event, decoded in emitter.decoded(
            stream, ["RenderRequested"], report_poison=False
        ):
            export_id = decoded.record["export_id"]
            export = ledger.exports.get(export_id)
            # A repeated request (the ledger asks again after a crash) is answered once.
            if (
                export_id in rendered
                or not export
                or export.get("state") in ("completed", "failed")
            ):
                continue
            documents = ledger.documents_of(export_id)
            export = {**export, "export_id": export_id}
            written, finished_at = await asyncio.to_thread(render_documents, export, documents)
            rendered.add(export_id)
            counts = ledger.counts(export_id)
            await emitter.event(
                export_id,
                "ExportCompleted",
                {
                    "export_id": export_id,
                    "finished_at": finished_at,
                    "out_dir": export["out_dir"],
                    "pages": counts["kind:page"],
                    "data_sources": counts["kind:data_source"],
                    "unchanged": counts["unchanged"],
                    "skipped": counts["skipped"],
                    "failed": counts["failed"],
                    "written": written,
                    "requests": export.get("requests", 0),
                    "rate_limited": export.get("rate_limited", 0),
                    "failures": [
                        {"document_id": doc_id, "reason": entry[2] or "failed"}
                        for doc_id, entry in documents
                        if entry[0] == "failed"
                    ],
                },
            )
            log.info("export %s completed into %s", export_id, export["out_dir"])
