"""Replay: re-render a finished export from what the pipeline retained, with no Notion request.

The entities topic is retained, so every document an export fetched is still
there as its ordered EntityChunk records closed by a DocumentComplete. Replay
reads the topic with a throwaway consumer (``assign``, never ``subscribe``, no
commits: it must not disturb, or be disturbed by, the sinks' consumer group),
spools each document's chunks to disk as they arrive (a document can outgrow a
process's memory budget), assembles each complete document into a fresh
:class:`~notion_sync.store.documents.DocumentStore`, links the file blobs it needs from the
original export's content-addressed file store, and renders. The original
output directory is never written to.

Export-events says which export to read and which documents belong to it: the
ones the sink ``assembled`` are on the topic under this export's id; the ones a
rerun found ``unchanged`` were written by an earlier export into the same output
directory, so their chunks are taken from the latest such earlier export.

When the topics are gone (the embedded broker keeps them in memory only) the
export's lossless store on disk, ``<original out>/.notion-sync``, is the other
source; :func:`replay_from_disk` renders from it read-only. Either way the
manifest says which source was used.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from notion_sync.core.config import MarkdownSettings
from notion_sync.core.errors import ConfigError, NotionSyncError, SchemaError, SinkError
from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.kafka.codec import Decoded, decode
from notion_sync.kafka.connection import PLAINTEXT
from notion_sync.kafka.status import read_events
from notion_sync.kafka.topic_reader import read_topic
from notion_sync.sinks.export import RenderReport, render_export, workspace_name
from notion_sync.sinks.manifest import build_manifest
from notion_sync.store.atomic import atomic_write
from notion_sync.store.documents import STATE_DIR, DocumentStore
from notion_sync.store.files import FileStore
from notion_sync.store.spool import Spool

__all__ = [
    "ExportRecord",
    "ReplayResult",
    "TopicIncomplete",
    "choose_export",
    "link_files",
    "read_exports",
    "render_replay",
    "replay_from_disk",
    "replay_from_topic",
]

_INCLUDED = ("assembled", "unchanged")


class TopicIncomplete(NotionSyncError):
    """The topics no longer hold (all of) the export: replay must use the disk store."""


@dataclass
class ExportRecord:
    """One export as export-events tells it: the request, its outcome, each document's fate."""

    export_id: str
    token_ref: str | None = None
    out_dir: str | None = None
    formats: list[str] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    started_at: int | None = None
    finished_at: int | None = None
    state: str = "requested"
    documents: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)

    def apply(self, decoded: Decoded) -> None:
        record = decoded.record
        if decoded.name == "ExportStarted":
            self.token_ref, self.out_dir = record["token_ref"], record["out_dir"]
            self.formats, self.roots = list(record["formats"]), list(record.get("roots") or [])
            self.started_at = record["started_at"]
            self.state = "running" if self.state == "requested" else self.state
        elif decoded.name == "DocumentDone":
            self.documents[record["document_id"]] = (
                record["outcome"],
                record["document_kind"],
                record.get("reason"),
            )
        elif decoded.name in ("ExportCompleted", "ExportFailed") and self.state not in (
            "completed",
            "failed",
        ):
            self.state = "completed" if decoded.name == "ExportCompleted" else "failed"
            self.finished_at = record["finished_at"]
            self.out_dir = record.get("out_dir") or self.out_dir

    def included(self, outcome: str | None = None) -> set[str]:
        """Ids of the documents the export rendered (or only those with ``outcome``)."""
        wanted = (outcome,) if outcome else _INCLUDED
        return {doc_id for doc_id, (got, _kind, _r) in self.documents.items() if got in wanted}

    def manifest_documents(self) -> list[tuple[str, list[Any]]]:
        return sorted((doc_id, list(value)) for doc_id, value in self.documents.items())


def read_exports(
    bootstrap: str,
    events_topic: str,
    *,
    timeout: float = 10.0,
    security: KafkaSecurity = PLAINTEXT,
) -> dict[str, ExportRecord]:
    """Every export on ``events_topic``, read from the start to its current end."""
    exports: dict[str, ExportRecord] = {}
    for decoded in read_events(bootstrap, events_topic, timeout=timeout, security=security):
        export_id = decoded.record.get("export_id")
        if isinstance(export_id, str):
            exports.setdefault(export_id, ExportRecord(export_id)).apply(decoded)
    return exports


def choose_export(
    exports: dict[str, ExportRecord], *, export_id: str | None = None, token_ref: str | None = None
) -> ExportRecord:
    """The export named, else the latest completed one (of ``token_ref``'s workspace).

    Raises :class:`ConfigError` when the choice is impossible or ambiguous: replaying
    the wrong workspace silently would be worse than asking.
    """
    if export_id is not None:
        found = exports.get(export_id)
        if found is None:
            raise TopicIncomplete(f"no export {export_id!r} on the export-events topic")
        if found.state != "completed":
            raise ConfigError(
                f"export {export_id} is {found.state}; replay needs a completed export"
            )
        return found
    done = [
        e
        for e in exports.values()
        if e.state == "completed" and (token_ref is None or e.token_ref == token_ref)
    ]
    if not done:
        which = f" for token ref {token_ref!r}" if token_ref else ""
        raise TopicIncomplete(f"no completed export{which} on the export-events topic")
    refs = sorted({str(e.token_ref) for e in done})
    if token_ref is None and len(refs) > 1:
        raise ConfigError(
            f"completed exports of several workspaces ({', '.join(refs)}): "
            "pick one with --token-ref"
        )
    return max(done, key=lambda e: (e.finished_at or 0, e.started_at or 0))


@dataclass
class ReplayResult:
    """What a replay read and wrote; ``source`` is ``"topic"`` or ``"disk"``."""

    source: str
    export_id: str | None
    documents: int = 0
    chunks: int = 0
    bytes_read: int = 0
    files_linked: int = 0
    files_missing: int = 0
    seconds: float = 0.0
    started_at: int = field(default_factory=lambda: int(time.time() * 1000))
    report: RenderReport = field(default_factory=RenderReport)
    detail: dict[str, Any] = field(default_factory=dict)


def _entities(
    bootstrap: str, topic: str, deadline: float, security: KafkaSecurity
) -> Iterator[tuple[Decoded, int]]:
    """Every decodable record of ``topic`` up to its current end, with its size in bytes."""
    timeout = max(0.1, deadline - time.monotonic())
    for _partition, _offset, _key, value in read_topic(
        bootstrap, topic, timeout=timeout, security=security
    ):
        try:
            yield decode(value), len(value)
        except SchemaError:
            continue


def replay_from_topic(
    bootstrap: str,
    entities_topic: str,
    export: ExportRecord,
    exports: dict[str, ExportRecord],
    store: DocumentStore,
    *,
    timeout: float = 120.0,
    security: KafkaSecurity = PLAINTEXT,
) -> ReplayResult:
    """Assemble every document of ``export`` from ``entities_topic`` into ``store``.

    Raises :class:`TopicIncomplete` if a document the export rendered is not on
    the topic (e.g. a cluster with limited retention), so the caller can fall back.
    """
    started = time.monotonic()
    deadline = started + timeout
    assembled = export.included("assembled")
    unchanged = export.included("unchanged")
    # Unchanged documents were last written by an earlier export into the same directory.
    earlier = {
        e.export_id
        for e in exports.values()
        if e.export_id != export.export_id
        and e.out_dir == export.out_dir
        and (e.started_at or 0) <= (export.started_at or 0)
    }
    result = ReplayResult("topic", export.export_id)
    stored: set[str] = set()
    store.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="replay-spool-", dir=store.root) as spool_root:
        spool = Path(spool_root)
        for decoded, size in _entities(bootstrap, entities_topic, deadline, security):
            record = decoded.record
            doc_id, source = str(record.get("document_id")), record.get("export_id")
            wanted = (source == export.export_id and doc_id in assembled) or (
                source in earlier and doc_id in unchanged
            )
            if not wanted:
                continue
            chunks = Spool(spool / str(source) / str(doc_id))
            if decoded.name == "EntityChunk":
                chunks.put(record["seq"], record["part"], record["payload"])
                result.chunks += 1
                result.bytes_read += size
            elif decoded.name == "DocumentComplete":
                count = record["chunks"]
                if count > 0 and not chunks.missing(count):
                    try:
                        store.put_chunks(doc_id, record["document_kind"], chunks.chunks(count))
                    except SinkError as exc:
                        problem = f"{entities_topic} holds a broken chunk: {exc}"
                        raise TopicIncomplete(problem) from exc
                    stored.add(doc_id)
                chunks.remove()
    missing = (assembled | unchanged) - stored
    if missing:
        raise TopicIncomplete(
            f"{len(missing)} of the export's {len(assembled | unchanged)} documents are not "
            f"(complete) on {entities_topic}, e.g. {sorted(missing)[0]}"
        )
    result.documents = len(stored)
    result.seconds = time.monotonic() - started
    return result


def link_files(
    store: DocumentStore, source: FileStore, target: FileStore, doc_ids: Iterable[str]
) -> tuple[int, int]:
    """Hard-link (else copy) each blob the documents use from ``source`` into ``target``.

    Returns (linked, missing). A missing blob is not fatal: the renderer reports it
    and links to the file's URL, as a direct export does.
    """
    linked = missing = 0
    for doc_id in doc_ids:
        doc = store.get(doc_id) or {}
        for ref in (doc.get("files") or {}).values():
            sha = ref.get("sha256") if isinstance(ref, dict) else None
            if not isinstance(sha, str) or target.has(sha):
                continue
            blob = source.path_for(sha)
            if not blob.is_file():
                missing += 1
                continue
            dest = target.path_for(sha)
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".tmp-{uuid.uuid4().hex}")
            try:
                os.link(blob, tmp)
            except OSError:
                shutil.copyfile(blob, tmp)
            os.replace(tmp, dest)
            linked += 1
    return linked, missing


def render_replay(
    store: DocumentStore,
    files: FileStore,
    formats: Sequence[str],
    out_dir: Path,
    result: ReplayResult,
    *,
    export: ExportRecord | None,
    only: Collection[str] | None,
    markdown: MarkdownSettings | None = None,
) -> ReplayResult:
    """Render the replayed documents into ``out_dir/<format>/`` and write its manifest."""
    started = time.monotonic()
    result.report = render_export(
        store,
        files,
        formats,
        out_dir,
        workspace_name=workspace_name(store),
        only=only,
        markdown=markdown,
    )
    finished_at = int(time.time() * 1000)
    if export is not None:
        documents = export.manifest_documents()
    else:
        documents = [
            (e["id"], ["assembled", e["kind"], None])
            for e in store.entries()
            if only is None or e["id"] in only
        ]
    request = {
        "export_id": result.export_id,
        "token_ref": export.token_ref if export else None,
        "formats": list(formats),
        "roots": export.roots if export else [],
        "out_dir": str(out_dir),
        "started_at": result.started_at,
        "requests": 0,
    }
    result.seconds += time.monotonic() - started
    replay = {
        "source": result.source,
        "source_export_id": result.export_id,
        "original_out_dir": export.out_dir if export else None,
        "documents": result.documents,
        "chunks": result.chunks,
        "bytes_read": result.bytes_read,
        "files_linked": result.files_linked,
        "files_missing": result.files_missing,
        "notion_requests": 0,
        **result.detail,
    }
    manifest = build_manifest(
        request,
        documents,
        dict(result.report.written),
        finished_at,
        extra={"render": result.report.summary(), "replay": replay},
    )
    atomic_write(out_dir / "manifest.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return result


def replay_from_disk(
    original_out: Path,
    formats: Sequence[str],
    out_dir: Path,
    *,
    export: ExportRecord | None = None,
    reason: str,
    markdown: MarkdownSettings | None = None,
) -> ReplayResult:
    """Render from the lossless store an export left in ``original_out/.notion-sync``.

    Read-only: the original store and blobs are used in place. The store holds the
    latest version of every document ever written to that directory, so the
    export's own document list (from export-events, when known) limits what is rendered.
    """
    root = original_out / STATE_DIR
    store = DocumentStore(root)
    if not (root / "index").is_dir():
        raise ConfigError(
            f"no notion-sync store at {root}: nothing to replay from "
            f"(the topics are unavailable: {reason})"
        )
    disk_manifest = original_out / "manifest.json"
    export_id = export.export_id if export else None
    if export_id is None and disk_manifest.is_file():
        export_id = orjson.loads(disk_manifest.read_bytes()).get("export_id")
    only = export.included() if export else None
    result = ReplayResult("disk", export_id, detail={"store": str(root), "fallback_reason": reason})
    result.documents = sum(1 for e in store.entries() if only is None or e["id"] in only)
    return render_replay(
        store,
        FileStore(root),
        formats,
        out_dir,
        result,
        export=export,
        only=only,
        markdown=markdown,
    )
