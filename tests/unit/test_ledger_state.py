"""The ledger's transitions, every one without a broker, redelivery after a crash included."""

from __future__ import annotations

import random

import msgspec
import orjson
import pytest

from notion_sync.core.errors import SchemaError
from notion_sync.core.records import (
    DocumentDone,
    DocumentKind,
    DocumentsScheduled,
    ExportCompleted,
    ExportEvent,
    ExportFailed,
    ExportProgress,
    ExportStarted,
    Failure,
    FetchStats,
    FetchTask,
    Outcome,
    PlanningCompleted,
    RenderRequested,
    ScheduledDocument,
    TaskKind,
)
from notion_sync.streams.ledger_state import (
    PROGRESS_INTERVAL_MS,
    ExportState,
    Transition,
    apply,
    documents_named,
    export_completed,
)
from notion_sync.streams.ledger_values import (
    Counts,
    DocumentEntry,
    DocumentState,
    ExportMeta,
    ExportRequest,
    Phase,
)

EXPORT = "e1"
T0 = 1_000_000


class Tables:
    """The ledger's two tables for one export, as the agent carries transitions into them."""

    def __init__(self) -> None:
        self.meta: ExportMeta | None = None
        self.documents: dict[str, DocumentEntry] = {}
        self.counts = Counts()
        self.last_progress: int | None = None
        self.sent: list[ExportEvent] = []

    def state(self) -> ExportState:
        return ExportState(meta=self.meta, counts=self.counts, last_progress=self.last_progress)

    def decide(self, event: ExportEvent, now: int = T0) -> Transition:
        named = {d: self.documents[d] for d in documents_named(event) if d in self.documents}
        return apply(self.state(), event, named, now)

    def take(
        self, event: ExportEvent, now: int = T0, *, crash_before_meta: bool = False
    ) -> Transition:
        """Carry ``event`` out; ``crash_before_meta``: the worker dies before the meta write,
        so the in-memory state is lost as well."""
        transition = self.decide(event, now)
        self.documents.update(transition.documents)
        if transition.forget_documents:
            self.documents.clear()
        self.sent += [*transition.tasks, *transition.announce]
        if crash_before_meta:
            self.counts = Counts.of(self.documents.values())
            self.last_progress = None
            return transition
        self.counts = transition.state.counts
        self.last_progress = transition.state.last_progress
        if transition.meta is not None:
            self.meta = transition.meta
        return transition


def started(roots: list[str] | None = None) -> ExportStarted:
    return ExportStarted(
        export_id=EXPORT,
        started_at=T0 - 60_000,
        token_ref="main",
        formats=["json"],
        out_dir="/out",
        roots=roots or [],
    )


def scheduled(*ids: str, kind: str = "page") -> DocumentsScheduled:
    return DocumentsScheduled(
        export_id=EXPORT, documents=[ScheduledDocument(id=i, kind=kind) for i in ids]
    )


def done(
    doc_id: str, outcome: Outcome = Outcome.ASSEMBLED, kind: str = "page", reason: str | None = None
) -> DocumentDone:
    return DocumentDone(
        export_id=EXPORT, document_id=doc_id, document_kind=kind, outcome=outcome, reason=reason
    )


PLANNED = PlanningCompleted(export_id=EXPORT, search_pages=2)
FAILED = ExportFailed(export_id=EXPORT, finished_at=T0, reason="token revoked", code="unauthorized")


def completed(finished_at: int = T0 + 5_000) -> ExportCompleted:
    return ExportCompleted(
        export_id=EXPORT,
        finished_at=finished_at,
        out_dir="/out",
        pages=1,
        data_sources=0,
        skipped=0,
        failed=0,
        written={"json": 1},
        requests=3,
        rate_limited=0,
    )


def running(*ids: str) -> Tables:
    """A started export owing ``ids``."""
    tables = Tables()
    tables.take(started())
    tables.take(scheduled(*ids))
    return tables


def test_export_started_records_the_request_once() -> None:
    tables = Tables()
    first = tables.take(started())
    assert tables.meta == ExportMeta(
        request=ExportRequest(
            token_ref="main", formats=["json"], out_dir="/out", started_at=T0 - 60_000
        )
    )
    assert [type(e) for e in first.announce] == [ExportProgress]
    again = tables.decide(msgspec.structs.replace(started(), token_ref="other"), T0 + 1_000)
    assert again.meta is None and again.documents == {}


def test_documents_are_owed_once_however_often_scheduled() -> None:
    tables = running()
    first = tables.take(scheduled("a", "b", "a"), T0 + 1_000)
    assert first.documents == {
        "a": DocumentEntry(state=DocumentState.OWED, kind=DocumentKind.PAGE),
        "b": DocumentEntry(state=DocumentState.OWED, kind=DocumentKind.PAGE),
    }
    assert tables.counts == Counts(owed=2)

    again = tables.take(scheduled("a", "b"), T0 + 1_000)
    assert again.documents == {} and again.meta is None
    assert tables.counts == Counts(owed=2)


def test_a_document_moves_from_owed_to_its_outcome_once() -> None:
    tables = running("a")
    first = tables.take(done("a", Outcome.FAILED, reason="chunk 3 never arrived"))
    assert first.documents == {
        "a": DocumentEntry(
            state=DocumentState.FAILED, kind=DocumentKind.PAGE, reason="chunk 3 never arrived"
        )
    }
    assert tables.counts == Counts(failed=1)

    again = tables.take(done("a", Outcome.ASSEMBLED))  # redelivered, or a late contradiction
    assert again.documents == {} and again.announce == []
    assert tables.documents["a"].state is DocumentState.FAILED
    assert tables.counts == Counts(failed=1)


def test_a_document_done_before_it_was_owed_counts_as_scheduled() -> None:
    tables = running()
    tables.take(done("a", Outcome.UNCHANGED, kind="data_source"))
    assert tables.counts == Counts(unchanged=1, data_sources=1)
    assert tables.counts.scheduled == 1 and tables.counts.fetched == 1


def test_the_render_is_asked_for_once_planning_is_complete_and_nothing_is_owed() -> None:
    tables = running("a")
    planned = tables.take(PLANNED, T0 + 1)
    assert planned.meta is not None and planned.meta.planning_done
    assert not any(isinstance(e, RenderRequested) for e in planned.announce)  # "a" is owed

    last = tables.take(done("a"), T0 + 2)
    asked, progress = last.announce
    assert asked == RenderRequested(export_id=EXPORT)
    assert isinstance(progress, ExportProgress) and progress.state == "rendering"
    assert (progress.scheduled, progress.fetched) == (1, 1)
    assert last.meta is not None and last.meta.phase is Phase.RENDERING
    assert last.documents == {
        "a": DocumentEntry(state=DocumentState.ASSEMBLED, kind=DocumentKind.PAGE)
    }

    redelivered = tables.take(done("a"), T0 + 10_000)
    assert redelivered.announce == [] and redelivered.meta is None


def test_a_crash_between_the_ask_and_the_phase_asks_again() -> None:
    tables = running("a")
    tables.take(PLANNED)
    tables.take(done("a"), crash_before_meta=True)
    assert tables.sent.count(RenderRequested(export_id=EXPORT)) == 1
    assert tables.meta is not None and tables.meta.phase is Phase.RUNNING

    redelivered = tables.take(done("a"))
    assert redelivered.documents == {}  # the entry was already final
    assert RenderRequested(export_id=EXPORT) in redelivered.announce
    assert tables.meta.phase is Phase.RENDERING


def test_an_export_planned_before_it_started_is_asked_for_when_it_starts() -> None:
    tables = Tables()
    assert tables.take(PLANNED).announce == []  # no request yet: nothing to render
    asked = tables.take(started())
    assert asked.announce[0] == RenderRequested(export_id=EXPORT)
    assert asked.meta is not None and asked.meta.request is not None
    assert asked.meta.phase is Phase.RENDERING


def test_progress_is_throttled_by_the_clock_it_is_given() -> None:
    tables = running("a", "b", "c")
    assert tables.take(done("a"), T0 + PROGRESS_INTERVAL_MS).announce != []
    assert tables.take(done("b"), T0 + PROGRESS_INTERVAL_MS + 1).announce == []
    [progress] = tables.take(done("c"), T0 + 2 * PROGRESS_INTERVAL_MS).announce
    assert isinstance(progress, ExportProgress)
    assert (progress.fetched, progress.at, progress.state) == (3, T0 + 1_000, "running")


def test_a_clock_gone_back_does_not_silence_progress() -> None:
    tables = running("a")
    assert tables.take(done("a"), T0 - 10_000).announce != []


def test_no_progress_before_the_export_started() -> None:
    tables = Tables()
    transition = tables.take(scheduled("a"))
    assert transition.announce == [] and transition.meta is None
    assert tables.counts == Counts(owed=1)


def test_fetch_stats_add_up_and_show_in_progress() -> None:
    tables = running()
    stats = FetchStats(export_id=EXPORT, requests=10, rate_limited=2, retries=1, circuit="open")
    tables.take(stats, T0 + 1_000)
    [progress] = tables.take(stats, T0 + 2_000).announce
    assert tables.meta is not None
    assert (tables.meta.requests, tables.meta.rate_limited, tables.meta.retries) == (20, 4, 2)
    assert isinstance(progress, ExportProgress)
    assert (progress.requests, progress.rate_limited, progress.circuit) == (20, 4, "open")


def test_a_failed_export_forgets_its_documents_and_tells_the_fetcher() -> None:
    tables = running("a", "b")
    transition = tables.take(FAILED)
    assert transition.meta is not None
    assert (transition.meta.phase, transition.meta.reason) == (Phase.FAILED, "token revoked")
    assert transition.forget_documents and tables.documents == {}
    assert transition.tasks == [
        FetchTask(
            export_id=EXPORT,
            token_ref="main",
            kind=TaskKind.FORGET,
            out_dir="/out",
            include_comments=False,
            download_external=False,
        )
    ]
    assert (transition.ended, transition.duration) == (Phase.FAILED, None)


def test_a_refused_request_fails_without_a_forget_task() -> None:
    transition = Tables().take(FAILED)
    assert transition.tasks == [] and transition.ended is Phase.FAILED


def test_a_completion_seen_again_does_not_count_twice() -> None:
    tables = running("a")
    first = tables.take(completed())
    assert (first.ended, first.duration) == (Phase.COMPLETED, 65.0)
    assert [t.kind for t in first.tasks] == [TaskKind.FORGET]
    again = tables.take(completed())
    assert again == Transition(state=tables.state())


def test_a_crash_before_the_end_is_recorded_ends_it_again_once() -> None:
    tables = running("a")
    tables.take(completed(), crash_before_meta=True)
    assert tables.meta is not None and tables.meta.phase is Phase.RUNNING
    again = tables.take(completed())
    assert again.ended is Phase.COMPLETED and again.forget_documents
    assert tables.take(completed()).ended is None


@pytest.mark.parametrize(
    "news",
    [
        started(),
        scheduled("z"),
        done("a"),
        PLANNED,
        FetchStats(export_id=EXPORT, requests=1, rate_limited=0, retries=0),
        completed(),
        FAILED,
    ],
    ids=lambda event: type(event).__name__,
)
def test_news_about_an_ended_export_is_ignored(news: ExportEvent) -> None:
    tables = running("a")
    tables.take(FAILED)
    ended = tables.state()
    assert tables.take(news, T0 + 60_000) == Transition(state=ended)


@pytest.mark.parametrize(
    "event",
    [
        RenderRequested(export_id=EXPORT),
        ExportProgress(
            export_id=EXPORT,
            state="running",
            scheduled=0,
            fetched=0,
            skipped=0,
            failed=0,
            written=0,
            requests=0,
            rate_limited=0,
            at=T0,
        ),
    ],
    ids=lambda event: type(event).__name__,
)
def test_the_ledgers_own_news_changes_nothing(event: ExportEvent) -> None:
    tables = running("a")
    assert tables.take(event, T0 + 60_000) == Transition(state=tables.state())


def test_an_unknown_document_kind_is_poison() -> None:
    tables = running()
    with pytest.raises(SchemaError, match="'whiteboard'"):
        tables.decide(scheduled("a", kind="whiteboard"))
    with pytest.raises(SchemaError, match="'whiteboard'"):
        tables.decide(done("a", kind="whiteboard"))


def test_counts_rebuilt_from_entries_equal_counts_kept_as_events_come() -> None:
    rng = random.Random(7)
    ids = [f"d{n}" for n in range(40)]
    kinds = ["page", "data_source", "database", "users"]
    tables = running()
    for step in range(400):
        doc_id = rng.choice(ids)
        if rng.random() < 0.4:
            event: ExportEvent = scheduled(doc_id, rng.choice(ids), kind=rng.choice(kinds))
        else:
            event = done(doc_id, rng.choice(list(Outcome)), kind=rng.choice(kinds))
        tables.take(event, T0 + step, crash_before_meta=rng.random() < 0.1)
        assert tables.counts == Counts.of(tables.documents.values())


def test_table_values_survive_the_json_round_trip() -> None:
    tables = running("a")
    tables.take(done("a", Outcome.SKIPPED, reason="object_not_found"))
    tables.take(FetchStats(export_id=EXPORT, requests=3, rate_limited=1, retries=0))
    assert tables.meta is not None
    for value in (tables.meta, tables.documents["a"]):
        stored = orjson.loads(orjson.dumps(msgspec.to_builtins(value)))
        assert msgspec.convert(stored, type(value)) == value
    assert msgspec.to_builtins(tables.documents["a"]) == {
        "state": "skipped",
        "kind": "page",
        "reason": "object_not_found",
    }


def test_the_completion_names_the_failures_and_the_rendered_kinds() -> None:
    tables = running("p", "d", "x", "s")
    tables.take(done("p", Outcome.ASSEMBLED))
    tables.take(done("d", Outcome.UNCHANGED, kind="data_source"))
    tables.take(done("x", Outcome.FAILED, reason=None))
    tables.take(done("s", Outcome.SKIPPED, reason="object_not_found"))
    assert tables.meta is not None and tables.meta.request is not None
    event = export_completed(
        EXPORT,
        tables.meta.request,
        tables.meta,
        tables.counts,
        sorted(tables.documents.items()),
        {"json": 2},
        T0,
    )
    assert (event.pages, event.data_sources, event.unchanged) == (1, 1, 1)
    assert (event.skipped, event.failed, event.out_dir) == (1, 1, "/out")
    assert event.failures == [Failure(document_id="x", reason="failed")]
