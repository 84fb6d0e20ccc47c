"""The render agent: once the ledger says every document is in, render the export.

Rendering waits for the whole export because names and links need every
document's place in the tree. It runs in a child process
(:mod:`notion_sync.sinks.render_job`), so the worker's memory does not grow with the
workspace and its event loop keeps heartbeating; only changed files are written
(atomically), then the manifest, then ExportCompleted is announced. Rendering
again after a crash gives the same bytes. What it knows of the export it asks the
ledger (:class:`LedgerView`), never the ledger's tables.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import faust
import msgspec
import orjson

from notion_sync.core import metrics
from notion_sync.core.config import MarkdownSettings
from notion_sync.core.errors import NotionSyncError
from notion_sync.core.process import die_with_parent, python_module
from notion_sync.core.records import ExportFailed, RenderRequested
from notion_sync.kafka.events import Emitter, now_ms
from notion_sync.streams.ledger_state import export_completed
from notion_sync.streams.ledger_values import Counts, DocumentEntry, ExportMeta, ExportRequest

__all__ = ["LedgerView", "RenderFailed", "export_record", "register_render", "render_in_child"]

log = logging.getLogger(__name__)

#: Lines written to the render child between waits for its pipe to take them.
FEED_LINES = 500


class RenderFailed(NotionSyncError):
    """The render child did not finish; its last words say why."""


class LedgerView(Protocol):
    """What the render agent needs of the ledger (:class:`notion_sync.streams.ledger.Ledger`)."""

    def export(self, export_id: str) -> ExportMeta | None: ...

    def documents_of(self, export_id: str) -> Iterator[tuple[str, DocumentEntry]]: ...

    def counts(self, export_id: str) -> Counts: ...


def export_record(export_id: str, request: ExportRequest, meta: ExportMeta) -> dict[str, Any]:
    """The export as the render child's first line gives it (the manifest's source)."""
    return {
        "export_id": export_id,
        **msgspec.to_builtins(request),
        "requests": meta.requests,
        "rate_limited": meta.rate_limited,
        "retries": meta.retries,
    }


async def render_in_child(
    export: dict[str, Any],
    documents: Iterable[tuple[str, DocumentEntry]],
    markdown: MarkdownSettings | None = None,
) -> tuple[dict[str, int], int]:
    """Run ``notion_sync.sinks.render_job`` in a child process and return its result.

    The document list goes to the child a line at a time as it is read from the
    ledger, so the worker never holds it whole: ``[id, [outcome, kind, reason]]``,
    the child's protocol.
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
            header = {"export": export, "markdown": msgspec.to_builtins(markdown or {})}
            stdin.write(orjson.dumps(header) + b"\n")
            for count, (doc_id, entry) in enumerate(documents, 1):
                stdin.write(orjson.dumps([doc_id, [entry.state, entry.kind, entry.reason]]) + b"\n")
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


def register_render(
    app: faust.App,
    emitter: Emitter,
    ledger: LedgerView,
    markdown: MarkdownSettings | None = None,
) -> None:
    rendered: set[str] = set()

    @app.agent(emitter.events, name="render")
    async def render(stream: faust.StreamT[bytes]) -> None:
        async for _event, decoded in emitter.decoded(
            stream, ["RenderRequested"], report_poison=False
        ):
            asked = decoded.event
            assert isinstance(asked, RenderRequested)
            export_id = asked.export_id
            meta = ledger.export(export_id)
            # A repeated request (the ledger asks again after a crash) is answered once.
            if export_id in rendered or meta is None or meta.request is None or meta.phase.ended:
                continue
            request = meta.request
            try:
                written, finished_at = await render_in_child(
                    export_record(export_id, request, meta),
                    ledger.documents_of(export_id),
                    markdown,
                )
            except RenderFailed as exc:
                log.error("%s", exc)
                rendered.add(export_id)
                await emitter.announce(
                    ExportFailed(
                        export_id=export_id,
                        finished_at=now_ms(),
                        reason=str(exc),
                        code="render_failed",
                    )
                )
                continue
            rendered.add(export_id)
            completed = export_completed(
                export_id,
                request,
                meta,
                ledger.counts(export_id),
                ledger.documents_of(export_id),
                written,
                finished_at,
            )
            await emitter.announce(completed)
            log.info("export %s completed into %s", export_id, request.out_dir)
