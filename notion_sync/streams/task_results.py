"""What a fetch task sends about its document (pure): chunks, DocumentComplete, DocumentDone.

The chunks of each piece read and the DocumentComplete that follows them go to
entities; a DocumentDone, saying why there is nothing to store, to export-events.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from notion_sync.core.records import DocumentComplete, DocumentDone, EntityChunk, FetchTask, Outcome
from notion_sync.store.chunks import encode_part

__all__ = ["document_complete", "document_done", "entity_chunks"]


def document_done(task: FetchTask, outcome: Outcome, reason: str | None = None) -> DocumentDone:
    return DocumentDone(
        export_id=task.export_id,
        document_id=task.object_id or "",
        document_kind=str(task.kind),
        outcome=outcome,
        reason=reason,
    )


def entity_chunks(task: FetchTask, parts: Iterable[tuple[str, Any]], seq: int) -> list[EntityChunk]:
    """The chunks of one piece's parts, numbered on from ``seq``."""
    chunks: list[EntityChunk] = []
    for part, value in parts:
        for payload in encode_part(part, value):
            chunks.append(
                EntityChunk(
                    export_id=task.export_id,
                    document_id=task.object_id or "",
                    document_kind=str(task.kind),
                    seq=seq + len(chunks),
                    part=part,
                    payload=payload,
                    out_dir=task.out_dir,
                )
            )
    return chunks


def document_complete(task: FetchTask, chunks: int, blocks: int, files: int) -> DocumentComplete:
    """Sent once the broker has all ``chunks`` chunks of the document."""
    return DocumentComplete(
        export_id=task.export_id,
        document_id=task.object_id or "",
        document_kind=str(task.kind),
        chunks=chunks,
        blocks=blocks,
        files=files,
        out_dir=task.out_dir,
    )
