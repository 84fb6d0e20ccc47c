"""The render agent: once the ledger says every document is in, render the export.

Rendering waits for the whole export because names and links need every
document's place in the tree. It runs in a child process
(:mod:`sinks.render_job`), so the worker's memory does not grow with the
workspace and its event loop keeps heartbeating; only changed files are written
(atomically), then the manifest, then ExportCompleted is announced. Rendering
again after a crash gives the same bytes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import faust
import orjson

from notion_sync.core import metrics
from notion_sync.core.errors import NotionSyncError
from notion_sync.core.process import die_with_parent, python_module
from notion_sync.kafka.events import Emitter, now_ms
from notion_sync.streams.ledger import Ledger

__all__ = ["RenderFailed", "register_render", "render_in_child"]

log = logging.getLogger(__name__)

#: Lines written to the render child between waits for its pipe to take them.
FEED_LINES = 500


class RenderFailed(NotionSyncError):
    """The render child did not finish; its last words say why."""


async def render_in_child(
    export: dict[str, Any], documents: Iterable[tuple[str, list[Any]]]
) -> tuple[dict[str, int], int]:
    """Run ``notion_sync.sinks.render_job`` in a child process and return its result.

    The document list goes to the child a line at a time as it is read from the
    ledger's table, so the worker never holds it whole.
    """
    child = await asyncio.create_subprocess_exec(
        *python_module("notion_sync.sinks.render_job"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=die_with_parent,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    stdin = child.stdin

    async def feed() -> None:
        try:
            stdin.write(orjson.dumps({"export": export}) + b"\n")
            for count, document in enumerate(documents, 1):
                stdin.write(orjson.dumps(document) + b"\n")
                if count % FEED_LINES == 0:
                    await stdin.drain()
            await stdin.drain()
            stdin.close()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the child is gone; its exit status and stderr say why

    try:
        out, err, _ = await asyncio.gather(child.stdout.read(), child.stderr.read(), feed())
        await child.wait()
    finally:
        if child.returncode is None:  # cancelled (shutdown): the rerun renders again
            child.kill()
            await child.wait()
    if child.returncode != 0:
        last_words = err.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise RenderFailed(
            f"rendering export {export['export_id']} failed (exit {child.returncode}): "
            f"{last_words[0]}"
        )
    result = orjson.loads(out)
    written: dict[str, int] = result["written"]
    for fmt, count in written.items():
        metrics.DOCUMENTS_EXPORTED.labels(fmt).inc(count)
    return written, int(result["finished_at"])


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
            export = {**export, "export_id": export_id}
            try:
                written, finished_at = await render_in_child(export, ledger.documents_of(export_id))
            except RenderFailed as exc:
                log.error("%s", exc)
                rendered.add(export_id)
                await emitter.event(
                    export_id,
                    "ExportFailed",
                    {
                        "export_id": export_id,
                        "finished_at": now_ms(),
                        "reason": str(exc),
                        "code": "render_failed",
                    },
                )
                continue
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
                        for doc_id, entry in ledger.documents_of(export_id)
                        if entry[0] == "failed"
                    ],
                },
            )
            log.info("export %s completed into %s", export_id, export["out_dir"])
