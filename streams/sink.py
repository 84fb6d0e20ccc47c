"""The sink: assembles each document from its chunks and stores it durably.

Chunks are spooled to disk as they arrive (one file per ``seq``, so a re-delivered
chunk overwrites itself), never held in memory across messages. When the
document's DocumentComplete arrives, the chunks are read back in order,
assembled, written atomically to the document store, and the spool is removed;
only then is DocumentDone sent, and only after that is the offset committed.
Rendering waits for the whole export (links need every document's place).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import faust

from sinks.store import STATE_DIR, DocumentStore, atomic_write
from streams.chunks import assemble
from streams.events import Emitter

__all__ = ["Sink", "register_sink"]

log = logging.getLogger(__name__)


def _spool_dir(record: dict[str, Any]) -> Path:
    return (
        Path(record["out_dir"]) / STATE_DIR / "spool" / record["export_id"] / record["document_id"]
    )


class Sink:
    def __init__(self, emitter: Emitter) -> None:
        self.emitter = emitter

    def spool(self, chunk: dict[str, Any]) -> None:
        path = _spool_dir(chunk) / f"{chunk['seq']:06d}.{chunk['part']}"
        atomic_write(path, chunk["payload"])

    async def complete(self, record: dict[str, Any]) -> None:
        spool = _spool_dir(record)
        parts: list[tuple[str, bytes]] = []
        missing = []
        for seq in range(record["chunks"]):
            found = sorted(spool.glob(f"{seq:06d}.*"))
            if not found:
                missing.append(seq)
                continue
            parts.append((found[0].suffix[1:], found[0].read_bytes()))
        outcome, reason = "assembled", None
        store = DocumentStore(Path(record["out_dir"]) / STATE_DIR)
        if not spool.exists() and store.entry(record["document_id"]) is not None:
            # A re-delivered DocumentComplete: this document was assembled and its spool removed.
            missing = []
        elif missing:
            outcome, reason = "failed", f"chunks {missing} never arrived"
            log.error(
                "export %s: document %s is missing %s",
                record["export_id"],
                record["document_id"],
                reason,
            )
        if not missing and parts:
            doc = assemble(record["document_id"], record["document_kind"], parts)
            store.put(doc)
            shutil.rmtree(spool, ignore_errors=True)
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
                sink.spool(decoded.record)
            else:
                await sink.complete(decoded.record)

    return sink
