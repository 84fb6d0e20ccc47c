"""The sink: assembles each document from its chunks and stores it durably.

Chunks are spooled to disk as they arrive (one file per ``seq``, so a re-delivered
chunk overwrites itself), never held in memory across messages. When the
document's DocumentComplete arrives, the chunks are copied in order, one at a
time, into the document store (one atomic write), and the spool is removed;
only then is DocumentDone sent, and only after that is the offset committed.
A chunk missing when its DocumentComplete arrives was therefore spooled and
stored already: chunks precede their DocumentComplete in one partition, and the
fetcher sends it only once the broker has them all.
Every write, fsync and removal runs on the disk's threads (``store.disk``), each
awaited before the next message is taken, so the event loop keeps heartbeating and
the order of a document's chunks and its DocumentDone stays the partition's.
Rendering waits for the whole export (links need every document's place).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import faust

from notion_sync.core.errors import SinkError
from notion_sync.kafka.events import Emitter
from notion_sync.store.disk import off_loop
from notion_sync.store.documents import STATE_DIR, DocumentStore
from notion_sync.store.spool import Spool

__all__ = ["Sink", "register_sink"]

log = logging.getLogger(__name__)


def _spool(record: dict[str, Any]) -> Spool:
    return Spool(
        Path(record["out_dir"]) / STATE_DIR / "spool" / record["export_id"] / record["document_id"]
    )


class Sink:
    def __init__(self, emitter: Emitter) -> None:
        self.emitter = emitter

    def spool(self, chunk: dict[str, Any]) -> None:
        _spool(chunk).put(chunk["seq"], chunk["part"], chunk["payload"])

    async def take(self, chunk: dict[str, Any]) -> None:
        """Spool a chunk on a disk thread; it is on disk when this returns."""
        await off_loop(self.spool, chunk)

    async def assemble(self, record: dict[str, Any]) -> tuple[str, str | None]:
        """:meth:`store` on a disk thread: the document is durable when this returns."""
        return await off_loop(self.store, record)

    def store(self, record: dict[str, Any]) -> tuple[str, str | None]:
        """Write the document from its spool; returns its outcome and, if failed, why."""
        spool = _spool(record)
        store = DocumentStore(Path(record["out_dir"]) / STATE_DIR)
        if record["chunks"] < 1:
            return "failed", "the document came with no chunks"
        missing = spool.missing(record["chunks"])
        if missing and store.entry(record["document_id"]) is not None:
            # Re-delivered after a crash: this DocumentComplete was stored before and its
            # spool removed, and the chunks re-delivered since made a partial one.
            spool.remove()
            return "assembled", None
        if missing:
            return "failed", f"chunks {missing} never arrived"
        try:
            store.put_chunks(
                record["document_id"], record["document_kind"], spool.chunks(record["chunks"])
            )
        except SinkError as exc:
            return "failed", str(exc)
        spool.remove()
        return "assembled", None

    async def complete(self, record: dict[str, Any]) -> None:
        outcome, reason = await self.assemble(record)
        if reason:
            log.error(
                "export %s: document %s failed: %s",
                record["export_id"],
                record["document_id"],
                reason,
            )
        await self.emitter.event(
            record["export_id"],
            "DocumentDone",
            {
                "export_id": record["export_id"],
                "document_id": record["document_id"],
                "document_kind": record["document_kind"],
                "outcome": outcome,
                "reason": reason,
                "blocks": record["blocks"],
                "files": record["files"],
            },
        )


def register_sink(app: faust.App, emitter: Emitter) -> Sink:
    sink = Sink(emitter)

    @app.agent(emitter.entities, name="sink")
    async def assemble_documents(stream: faust.StreamT[bytes]) -> None:
        async for _event, decoded in emitter.decoded(stream, ["EntityChunk", "DocumentComplete"]):
            if decoded.name == "EntityChunk":
                await sink.take(decoded.record)
            else:
                await sink.complete(decoded.record)

    return sink
