"""Typed records: one msgspec Struct per Avro event (``schemas/*.avsc``, the current version).

Agents and state machines pass these instead of ``dict[str, Any]``, so a misspelt field is a
type error, not a ``KeyError`` at three in the morning. The Avro files stay the contract on
the wire; ``tests/unit/test_records.py`` holds each Struct to its schema's fields and defaults.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

__all__ = [
    "EVENTS",
    "DeadLetter",
    "DocumentComplete",
    "DocumentDone",
    "DocumentKind",
    "DocumentsScheduled",
    "EntityChunk",
    "Event",
    "ExportCompleted",
    "ExportEvent",
    "ExportFailed",
    "ExportProgress",
    "ExportRequested",
    "ExportStarted",
    "Failure",
    "FetchStats",
    "FetchTask",
    "Outcome",
    "PlanningCompleted",
    "RenderRequested",
    "ScheduledDocument",
    "TaskKind",
    "from_record",
    "to_record",
]


class Outcome(StrEnum):
    """How a document ended, as DocumentDone says it (its Avro enum)."""

    ASSEMBLED = "assembled"
    UNCHANGED = "unchanged"
    EXPANDED = "expanded"
    SKIPPED = "skipped"
    FAILED = "failed"


class TaskKind(StrEnum):
    """What a fetch task reads (FetchTask's Avro enum)."""

    USERS = "users"
    SEARCH = "search"
    PAGE = "page"
    DATA_SOURCE = "data_source"
    DATABASE = "database"
    FORGET = "forget"
    UNKNOWN = "unknown"  # a kind added by a newer producer: dead-lettered, not guessed at


class DocumentKind(StrEnum):
    """What a document is; databases are owed and expanded into their data sources."""

    USERS = "users"
    PAGE = "page"
    DATA_SOURCE = "data_source"
    DATABASE = "database"


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """Every record on a topic; its class name is its Avro record name."""


class ExportEvent(Event, frozen=True, kw_only=True):
    """An event about one export, keyed by it where the topic is keyed by export."""

    export_id: str


class ExportRequested(ExportEvent, frozen=True, kw_only=True):
    requested_at: int
    token_ref: str
    formats: list[str]
    out_dir: str
    roots: list[str] = []
    include_comments: bool = True
    download_external: bool = False


class ExportStarted(ExportEvent, frozen=True, kw_only=True):
    started_at: int
    token_ref: str
    formats: list[str]
    out_dir: str
    roots: list[str] = []


class FetchTask(ExportEvent, frozen=True, kw_only=True):
    token_ref: str
    kind: TaskKind
    object_id: str | None = None
    cursor: str | None = None
    listed: bytes | None = None
    out_dir: str
    include_comments: bool = True
    mode: str = "workspace"
    download_external: bool = False
    attempt: int = 0


class ScheduledDocument(msgspec.Struct, frozen=True):
    id: str
    kind: str


class DocumentsScheduled(ExportEvent, frozen=True, kw_only=True):
    documents: list[ScheduledDocument]


class PlanningCompleted(ExportEvent, frozen=True, kw_only=True):
    search_pages: int


class EntityChunk(ExportEvent, frozen=True, kw_only=True):
    document_id: str
    document_kind: str
    seq: int
    part: str
    payload: bytes
    out_dir: str


class DocumentComplete(ExportEvent, frozen=True, kw_only=True):
    document_id: str
    document_kind: str
    chunks: int
    blocks: int = 0
    files: int = 0
    out_dir: str


class DocumentDone(ExportEvent, frozen=True, kw_only=True):
    document_id: str
    document_kind: str
    outcome: Outcome
    reason: str | None = None
    blocks: int = 0
    files: int = 0


class FetchStats(ExportEvent, frozen=True, kw_only=True):
    requests: int
    rate_limited: int
    retries: int
    waited_seconds: float = 0.0
    circuit: str = "closed"


class RenderRequested(ExportEvent, frozen=True, kw_only=True):
    """Every document is in: render the export."""


class ExportProgress(ExportEvent, frozen=True, kw_only=True):
    state: str
    scheduled: int
    fetched: int
    skipped: int
    failed: int
    written: int
    requests: int
    rate_limited: int
    circuit: str = "closed"
    at: int


class Failure(msgspec.Struct, frozen=True):
    document_id: str
    reason: str


class ExportCompleted(ExportEvent, frozen=True, kw_only=True):
    finished_at: int
    out_dir: str
    pages: int
    data_sources: int
    unchanged: int = 0
    skipped: int
    failed: int
    written: dict[str, int]
    requests: int
    rate_limited: int
    failures: list[Failure] = []


class ExportFailed(ExportEvent, frozen=True, kw_only=True):
    finished_at: int
    reason: str
    code: str = "failed"


class DeadLetter(Event, frozen=True, kw_only=True):
    topic: str
    partition: int
    offset: int
    key: bytes | None = None
    value: bytes | None = None
    reason: str
    error_type: str
    at: int


#: Every event type by its Avro record name.
EVENTS: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        ExportRequested,
        ExportStarted,
        FetchTask,
        DocumentsScheduled,
        PlanningCompleted,
        EntityChunk,
        DocumentComplete,
        DocumentDone,
        FetchStats,
        RenderRequested,
        ExportProgress,
        ExportCompleted,
        ExportFailed,
        DeadLetter,
    )
}


def from_record(name: str, record: dict[str, Any]) -> Event:
    """The typed form of a decoded Avro record named ``name``."""
    return msgspec.convert(record, EVENTS[name])


def to_record(event: Event) -> dict[str, Any]:
    """The Avro record of a typed event (enums as their strings)."""
    return {field: _plain(getattr(event, field)) for field in event.__struct_fields__}


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, msgspec.Struct):
        return msgspec.structs.asdict(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
