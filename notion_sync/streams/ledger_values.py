"""The typed values of the ledger's tables, and the counts derived from them (pure).

``ledger-exports`` holds an :class:`ExportMeta` per export and ``ledger-documents``
a :class:`DocumentEntry` per owed document. The tables store JSON-able builtins (the
memory store's changelog and the SQLite store both write JSON): the ledger converts
with msgspec where it reads and writes them, and nowhere else.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

import msgspec

from notion_sync.core.records import DocumentKind

__all__ = ["Counts", "DocumentEntry", "DocumentState", "ExportMeta", "ExportRequest", "Phase"]


class Phase(StrEnum):
    """Where an export is; it ends once, completed or failed."""

    RUNNING = "running"
    RENDERING = "rendering"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def ended(self) -> bool:
        return self in (Phase.COMPLETED, Phase.FAILED)


class DocumentState(StrEnum):
    """A document's entry: owed until its DocumentDone, then the outcome it says."""

    OWED = "owed"
    ASSEMBLED = "assembled"
    UNCHANGED = "unchanged"
    EXPANDED = "expanded"
    SKIPPED = "skipped"
    FAILED = "failed"

    @property
    def rendered(self) -> bool:
        return self in (DocumentState.ASSEMBLED, DocumentState.UNCHANGED)


class DocumentEntry(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A ``ledger-documents`` value (keyed ``<export id>/<document id>``)."""

    state: DocumentState
    kind: DocumentKind
    reason: str | None = None


class ExportRequest(msgspec.Struct, frozen=True, kw_only=True):
    """The request as ExportStarted gave it: what the render and the forget task need."""

    token_ref: str
    formats: list[str]
    out_dir: str
    roots: list[str] = []
    started_at: int


class ExportMeta(msgspec.Struct, frozen=True, kw_only=True):
    """A ``ledger-exports`` value (keyed by export id). ``request`` is ``None`` until
    ExportStarted (a refused request fails without one)."""

    request: ExportRequest | None = None
    phase: Phase = Phase.RUNNING
    requests: int = 0
    rate_limited: int = 0
    retries: int = 0
    circuit: str = "closed"
    planning_done: bool = False
    search_pages: int = 0
    finished_at: int | None = None
    reason: str | None = None


class Counts(msgspec.Struct, frozen=True, kw_only=True):
    """An export's documents by state, and its rendered pages and data sources."""

    owed: int = 0
    assembled: int = 0
    unchanged: int = 0
    expanded: int = 0
    skipped: int = 0
    failed: int = 0
    pages: int = 0
    data_sources: int = 0

    @classmethod
    def of(cls, entries: Iterable[DocumentEntry]) -> Counts:
        """The counts of these entries: what a restarted ledger starts from."""
        totals: Counter[str] = Counter()
        for pair, number in Counter((entry.state, entry.kind) for entry in entries).items():
            for field in _FIELDS[pair]:
                totals[field] += number
        return cls(**totals)

    def counted(self, entry: DocumentEntry, times: int = 1) -> Counts:
        """These counts with ``entry`` added (``times=-1``: taken away)."""
        changes = {
            field: getattr(self, field) + times for field in _FIELDS[entry.state, entry.kind]
        }
        return msgspec.structs.replace(self, **changes)

    @property
    def scheduled(self) -> int:
        return self.owed + self.fetched + self.skipped + self.failed

    @property
    def fetched(self) -> int:
        return self.assembled + self.unchanged + self.expanded


#: The counts of rendered documents, by kind.
_RENDERED_KINDS = {DocumentKind.PAGE: "pages", DocumentKind.DATA_SOURCE: "data_sources"}


def _fields(state: DocumentState, kind: DocumentKind) -> tuple[str, ...]:
    rendered = _RENDERED_KINDS.get(kind) if state.rendered else None
    return (state.value,) if rendered is None else (state.value, rendered)


#: The counts an entry adds to, by its (state, kind): built once, since the ledger looks
#: it up for every entry it counts.
_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    (state, kind): _fields(state, kind) for state in DocumentState for kind in DocumentKind
}
