"""Scheduling what tasks find: each transition, and the redeliveries a crash makes, without a
broker. The table is a dict of typed entries; a task's writes reach it only when the test
says the task got its acknowledgements, as in the fetcher."""

from __future__ import annotations

import orjson

from notion_sync.core.records import (
    DocumentKind,
    DocumentsScheduled,
    FetchTask,
    ScheduledDocument,
    TaskKind,
)
from notion_sync.streams.scheduling import (
    Discovered,
    InFlight,
    PlannedDocument,
    PlanState,
    Scheduled,
    deferred_documents,
    document_key,
    keep_write,
    schedule,
    settle,
)

PAGE = DocumentKind.PAGE
TASKED = PlannedDocument(PlanState.TASKED, PAGE)
DEFERRED = PlannedDocument(PlanState.DEFERRED, PAGE)
TASK = FetchTask(
    export_id="e", token_ref="sandbox", kind=TaskKind.PAGE, object_id="parent", out_dir="/out"
)


def listed(doc_id: str) -> Discovered:
    return Discovered(doc_id, PAGE, {"object": "page", "id": doc_id})


def unlisted(doc_id: str, kind: DocumentKind = PAGE) -> Discovered:
    return Discovered(doc_id, kind)


def owed_ids(scheduled: Scheduled) -> list[str]:
    return [] if scheduled.owed is None else [doc.id for doc in scheduled.owed.documents]


def task_ids(scheduled: Scheduled) -> list[str | None]:
    return [task.object_id for task in scheduled.tasks]


def finish(
    in_flight: InFlight, scheduled: Scheduled, table: dict[str, PlannedDocument]
) -> InFlight:
    """What the fetcher does once Kafka has the task's messages: write, then release."""
    for key, value in scheduled.writes.items():
        if keep_write(in_flight, key, value, table.get):
            table[key] = value
    return settle(in_flight, scheduled)


def test_documents_found_listed_are_owed_tasked_and_recorded() -> None:
    table: dict[str, PlannedDocument] = {}
    in_flight, scheduled = schedule(
        InFlight(), TASK, [listed("a"), listed("b")], table.get, search_done=False
    )
    assert scheduled.owed == DocumentsScheduled(
        export_id="e", documents=[ScheduledDocument("a", PAGE), ScheduledDocument("b", PAGE)]
    )
    assert task_ids(scheduled) == ["a", "b"]
    assert orjson.loads(scheduled.tasks[0].listed or b"") == {"object": "page", "id": "a"}
    assert scheduled.writes == {"e/a": TASKED, "e/b": TASKED}
    assert dict(in_flight.claims) == scheduled.writes  # until the table says so
    in_flight = finish(in_flight, scheduled, table)
    assert table == {"e/a": TASKED, "e/b": TASKED} and not in_flight.claims


def test_a_child_task_is_of_the_found_kind_and_inherits_the_export() -> None:
    roots = FetchTask(
        export_id="e",
        token_ref="other",
        kind=TaskKind.PAGE,
        object_id="root",
        out_dir="/x",
        mode="roots",
        include_comments=False,
        download_external=True,
    )
    found = [unlisted("db", DocumentKind.DATABASE), unlisted("ds", DocumentKind.DATA_SOURCE)]
    _, scheduled = schedule(InFlight(), roots, found, {}.get, search_done=True)
    assert [(t.kind, t.object_id, t.listed) for t in scheduled.tasks] == [
        (TaskKind.DATABASE, "db", None),
        (TaskKind.DATA_SOURCE, "ds", None),
    ]
    for task in scheduled.tasks:
        assert (task.token_ref, task.out_dir, task.mode) == ("other", "/x", "roots")
        assert (task.include_comments, task.download_external) == (False, True)


def test_an_unlisted_document_is_owed_but_waits_while_search_runs() -> None:
    table: dict[str, PlannedDocument] = {}
    in_flight, scheduled = schedule(InFlight(), TASK, [unlisted("a")], table.get, search_done=False)
    assert owed_ids(scheduled) == ["a"] and scheduled.tasks == []
    assert scheduled.writes == {"e/a": DEFERRED}
    finish(in_flight, scheduled, table)
    assert table == {"e/a": DEFERRED}


def test_an_unlisted_document_found_after_search_is_tasked_at_once() -> None:
    _, scheduled = schedule(InFlight(), TASK, [unlisted("a")], {}.get, search_done=True)
    assert owed_ids(scheduled) == ["a"] and task_ids(scheduled) == ["a"]
    assert scheduled.writes == {"e/a": TASKED}


def test_a_document_found_twice_by_one_task_is_owed_and_tasked_once() -> None:
    _, scheduled = schedule(
        InFlight(),
        TASK,
        [listed("a"), listed("a"), unlisted("b"), unlisted("b")],
        {}.get,
        search_done=False,
    )
    assert owed_ids(scheduled) == ["a", "b"] and task_ids(scheduled) == ["a"]


def test_a_task_delivered_again_after_its_writes_finds_nothing_to_do() -> None:
    table: dict[str, PlannedDocument] = {}
    in_flight, first = schedule(
        InFlight(), TASK, [listed("a"), unlisted("b")], table.get, search_done=False
    )
    in_flight = finish(in_flight, first, table)
    in_flight, again = schedule(
        in_flight, TASK, [listed("a"), unlisted("b")], table.get, search_done=False
    )
    assert again == Scheduled(None, [], {})
    assert finish(in_flight, again, table) == InFlight() and table == {
        "e/a": TASKED,
        "e/b": DEFERRED,
    }


def test_a_task_delivered_again_after_a_crash_lost_its_writes_owes_and_tasks_again() -> None:
    """The ledger owes a document once however often it is owed, and the sink stores it by
    id: doing it again is safe, leaving it undone is not."""
    crashed_before_writes: dict[str, PlannedDocument] = {}
    _, first = schedule(InFlight(), TASK, [listed("a")], {}.get, search_done=False)
    _, again = schedule(
        InFlight(), TASK, [listed("a")], crashed_before_writes.get, search_done=False
    )
    assert again == first


def test_a_deferred_document_listed_later_is_tasked_with_its_object_and_not_owed_again() -> None:
    table = {"e/a": DEFERRED}
    in_flight, scheduled = schedule(InFlight(), TASK, [listed("a")], table.get, search_done=False)
    assert scheduled.owed is None and task_ids(scheduled) == ["a"]
    assert scheduled.tasks[0].listed is not None
    finish(in_flight, scheduled, table)
    assert table == {"e/a": TASKED}


def test_a_document_found_by_two_tasks_at_once_is_owed_and_tasked_by_one() -> None:
    table: dict[str, PlannedDocument] = {}
    other = FetchTask(
        export_id="e", token_ref="sandbox", kind=TaskKind.PAGE, object_id="p2", out_dir="/out"
    )
    in_flight, first = schedule(InFlight(), TASK, [listed("a")], table.get, search_done=False)
    in_flight, second = schedule(in_flight, other, [listed("a")], table.get, search_done=False)
    assert task_ids(first) == ["a"] and second == Scheduled(None, [], {})
    in_flight = finish(in_flight, second, table)
    assert dict(in_flight.claims) == {"e/a": TASKED}  # the second's settling keeps the first's
    in_flight = finish(in_flight, first, table)
    assert table == {"e/a": TASKED} and not in_flight.claims


def test_two_tasks_deferring_one_document_owe_it_once() -> None:
    in_flight, first = schedule(InFlight(), TASK, [unlisted("a")], {}.get, search_done=False)
    _, second = schedule(in_flight, TASK, [unlisted("a")], {}.get, search_done=False)
    assert owed_ids(first) == ["a"] and second == Scheduled(None, [], {})


def test_a_listing_beside_a_deferral_in_flight_tasks_it_and_the_deferral_is_not_written() -> None:
    """Were the deferral written after the tasking, search's end would task it twice."""
    for listing_settles_first in (False, True):
        table: dict[str, PlannedDocument] = {}
        in_flight, deferral = schedule(
            InFlight(), TASK, [unlisted("a")], table.get, search_done=False
        )
        in_flight, listing = schedule(in_flight, TASK, [listed("a")], table.get, search_done=False)
        # Owed again: the deferring task's DocumentsScheduled may not be acknowledged yet.
        assert owed_ids(listing) == ["a"] and task_ids(listing) == ["a"]
        order = (listing, deferral) if listing_settles_first else (deferral, listing)
        for scheduled in order:
            in_flight = finish(in_flight, scheduled, table)
        assert table == {"e/a": TASKED} and not in_flight.claims


def test_search_ending_tasks_every_deferral_in_the_table_and_in_flight() -> None:
    """A task that decided to defer before search ended may write after the deferrals were
    read; it is tasked from its claim, owed (its owing may not be acknowledged yet) and its
    late write dropped."""
    table = {"e/a": DEFERRED, "other/x": DEFERRED}
    in_flight, late = schedule(
        InFlight(), TASK, [unlisted("b", DocumentKind.DATABASE)], table.get, search_done=False
    )
    waiting_in_table = [("a", DEFERRED)]
    found = deferred_documents(in_flight, "e", waiting_in_table)
    assert [(item.id, item.kind) for item in found] == [
        ("a", PAGE),
        ("b", DocumentKind.DATABASE),
    ]
    in_flight, ending = schedule(in_flight, TASK, found, table.get, search_done=True)
    assert owed_ids(ending) == ["b"] and task_ids(ending) == ["a", "b"]
    in_flight = finish(in_flight, ending, table)
    in_flight = finish(in_flight, late, table)
    assert table["e/a"] == TASKED and table["e/b"] == PlannedDocument(
        PlanState.TASKED, DocumentKind.DATABASE
    )
    assert table["other/x"] == DEFERRED and not in_flight.claims


def test_the_listing_finishing_twice_tasks_the_deferrals_once() -> None:
    table = {"e/a": DEFERRED}
    waiting = [(key.split("/")[1], v) for key, v in table.items() if v == DEFERRED]
    in_flight, first = schedule(
        InFlight(),
        TASK,
        deferred_documents(InFlight(), "e", waiting),
        table.get,
        search_done=True,
    )
    finish(in_flight, first, table)
    assert task_ids(first) == ["a"] and first.owed is None
    # Redelivered: the table now says tasked (and the table's deferrals are none).
    _, again = schedule(InFlight(), TASK, [Discovered("a", PAGE)], table.get, search_done=True)
    assert again == Scheduled(None, [], {})


def test_a_task_that_failed_before_its_writes_releases_its_claims() -> None:
    in_flight, failed = schedule(InFlight(), TASK, [listed("a")], {}.get, search_done=False)
    in_flight = settle(in_flight, failed)  # the fetcher settles in a finally
    assert not in_flight.claims
    _, retried = schedule(in_flight, TASK, [listed("a")], {}.get, search_done=False)
    assert task_ids(retried) == ["a"] and owed_ids(retried) == ["a"]


def test_exports_are_planned_apart() -> None:
    table = {document_key("other", "a"): TASKED}
    _, scheduled = schedule(InFlight(), TASK, [listed("a")], table.get, search_done=False)
    assert task_ids(scheduled) == ["a"]
