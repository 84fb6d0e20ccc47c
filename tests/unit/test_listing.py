"""The listing's hand-on protocol, under crashes at every await and out-of-order tasks.

The simulation keeps what Kafka and Faust guarantee and nothing more: a partition's
messages in offset order, several in flight at once; table writes durable only once
the producer is flushed, which Faust does before each commit (a crash loses any
suffix of the rest); commits of the acked offsets up to the oldest unfinished one;
and after a crash, delivery again from the committed offset. The fetcher's search
task is modelled step for step, an await being any point where a crash can land.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest

from notion_sync.core.records import DocumentKind, FetchTask, PlanningCompleted, TaskKind
from notion_sync.streams.listing import (
    Listing,
    Step,
    after_listing,
    found_on,
    next_step,
    search_ended,
    search_step,
)

KEY = "search/export"
MAX_CRASHES = 20


def search_task(cursor: str | None = None, mode: str = "workspace") -> FetchTask:
    return FetchTask(
        export_id="export",
        token_ref="sandbox",
        kind=TaskKind.SEARCH,
        cursor=cursor,
        out_dir="/out",
        mode=mode,
    )


@dataclass
class Partition:
    pages: int
    rng: random.Random
    log: list[str | None] = field(default_factory=lambda: [None])  # the first task's cursor
    committed: int = 0
    durable: dict[str, Any] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)
    searches: list[tuple[str | None, int]] = field(default_factory=list)  # (cursor, crashes)
    finished: int = 0
    crashes: int = 0
    uncommitted_at_crashes: int = 0  # tasks delivered since the last commit, summed

    def table(self) -> dict[str, Any] | None:
        return self.pending[-1] if self.pending else self.durable.get(KEY)

    def write(self, listing: Listing) -> None:
        self.pending.append(msgspec.to_builtins(listing))

    def search(self, cursor: str | None) -> dict[str, Any]:
        self.searches.append((cursor, self.crashes))
        index = 0 if cursor is None else int(cursor[1:])
        more = index + 1 < self.pages
        return {"has_more": more, "next_cursor": f"c{index + 1}" if more else None}

    def task(self, offset: int) -> Iterator[None]:
        """The fetcher's ``search``: ``yield`` wherever it awaits."""
        task = search_task(self.log[offset])
        entry = self.table()
        step = search_step(None if entry is None else msgspec.convert(entry, Listing), task, offset)
        if step.step is Step.DROP:
            return
        state = step.listing
        if step.step is Step.LIST:
            self.write(state)
            yield  # the search request
            page = self.search(state.cursor)
            yield  # scheduling what it found
            state = state.listed(page)
            self.write(state)
        after = after_listing(task, state)
        if isinstance(after, FetchTask):
            yield  # sending the next page's task
            self.log.append(after.cursor)
            return
        yield  # the deferred documents, PlanningCompleted
        self.finished += 1

    def commit(self, acked: set[int]) -> None:
        if self.pending:
            self.durable[KEY] = self.pending[-1]
            self.pending.clear()
        while self.committed in acked:
            self.committed += 1

    def crash(self, delivered: int) -> None:
        self.crashes += 1
        self.uncommitted_at_crashes += delivered - self.committed
        del self.pending[self.rng.randrange(len(self.pending) + 1) :]


def run(pages: int, seed: int, crash_chance: float, concurrency: int = 4) -> Partition:
    """Deliver, interleave and commit until the partition is drained, crashing now and then."""
    rng = random.Random(seed)
    part = Partition(pages, rng)
    while True:  # a round per crash, and crashes are bounded
        position, in_flight, acked = part.committed, dict[int, Iterator[None]](), set[int]()
        crashed = False
        while not crashed:
            assert len(part.log) < 100 * pages, f"copies never die out: {part}"
            while len(in_flight) < concurrency and position < len(part.log):
                in_flight[position] = part.task(position)
                position += 1
            if not in_flight:
                part.commit(acked)
                return part
            if part.crashes < MAX_CRASHES and rng.random() < crash_chance:
                part.crash(position)
                crashed = True
                continue
            offset = rng.choice(list(in_flight))
            if next(in_flight[offset], StopIteration) is StopIteration:
                del in_flight[offset]
                acked.add(offset)
            if rng.random() < 0.3:
                part.commit(acked)


@pytest.mark.parametrize("seed", range(200))
def test_every_page_is_listed_and_the_listing_ends_whatever_the_crashes(seed: int) -> None:
    part = run(pages=6, seed=seed, crash_chance=0.08)
    assert {cursor for cursor, _ in part.searches} == {None, *(f"c{i}" for i in range(1, 6))}
    assert part.finished >= 1
    # Between two crashes no page is listed twice: a copy never runs beside its original.
    assert len(set(part.searches)) == len(part.searches)
    # What a crash makes the listing redo is what it had not committed.
    assert len(part.searches) <= 6 + part.uncommitted_at_crashes
    assert len(part.log) <= 6 + part.uncommitted_at_crashes


def test_the_crashes_land_where_pages_must_be_listed_again() -> None:
    """The simulation is worth something only if crashes make work to redo."""
    runs = [run(pages=6, seed=seed, crash_chance=0.08) for seed in range(200)]
    assert sum(part.crashes > 0 for part in runs) > 150
    assert sum(len(part.searches) > 6 for part in runs) > 50


def test_without_crashes_each_page_is_listed_once_by_a_task_of_its_own() -> None:
    part = run(pages=5, seed=1, crash_chance=0.0)
    assert [cursor for cursor, _ in part.searches] == [None, "c1", "c2", "c3", "c4"]
    assert part.log == [None, "c1", "c2", "c3", "c4"]
    assert part.finished == 1


def test_copies_are_dropped_and_the_owner_hands_on_again() -> None:
    started = next_step(Listing(), None, 0)
    assert started is Step.LIST
    claimed = Listing().claimed(0)
    assert next_step(claimed, None, 0) is Step.LIST  # redelivered before its page was listed
    assert next_step(claimed, None, 7) is Step.DROP  # a copy while the owner lists
    listed = claimed.listed({"has_more": True, "next_cursor": "c1"})
    assert next_step(listed, None, 0) is Step.HAND_ON  # redelivered after: send c1 again
    assert next_step(listed, "c1", 3) is Step.LIST  # the next page's task claims it
    taken = listed.claimed(3)
    assert next_step(taken, "c1", 9) is Step.DROP  # the copy of it sent again
    assert next_step(taken, None, 0) is Step.DROP  # the old owner, redelivered late
    done = taken.listed({"has_more": False, "next_cursor": None})
    assert done.done and done.cursor is None and done.pages == 2
    assert next_step(done, "c1", 3) is Step.FINISH  # the last owner, again after a crash
    assert next_step(done, None, 0) is Step.DROP  # the first task must not start over


def test_a_search_step_claims_the_page_it_lists_and_leaves_the_rest_alone() -> None:
    first = search_step(None, search_task(), 0)
    assert first.step is Step.LIST and first.listing == Listing(owner=0, open=False)
    listed = first.listing.listed({"has_more": True, "next_cursor": "c1"})
    # The page's task delivered twice (a crash before its commit): it hands on again.
    again = search_step(listed, search_task(), 0)
    assert again.step is Step.HAND_ON and again.listing == listed
    assert after_listing(search_task(), again.listing) == after_listing(search_task(), listed)
    # The next page's task sent twice: the second copy is dropped and writes nothing new.
    claimed = search_step(listed, search_task("c1"), 5)
    assert claimed.step is Step.LIST and claimed.listing.owner == 5
    assert search_step(claimed.listing, search_task("c1"), 6).step is Step.DROP


def test_the_next_page_task_carries_the_cursor_and_the_last_page_completes_planning() -> None:
    listing = Listing(owner=0, open=False).listed({"has_more": True, "next_cursor": "c1"})
    after = after_listing(search_task(), listing)
    assert isinstance(after, FetchTask)
    assert (after.kind, after.cursor, after.export_id) == (TaskKind.SEARCH, "c1", "export")
    done = listing.claimed(3).listed({"has_more": False, "next_cursor": None})
    assert after_listing(search_task("c1"), done) == PlanningCompleted(
        export_id="export", search_pages=2
    )


def test_the_listing_finishing_twice_completes_planning_twice_with_the_same_count() -> None:
    """The ledger takes PlanningCompleted again as news it has; what the fetcher must not
    do is start the listing over."""
    done = Listing(owner=3, open=True, pages=2, done=True)
    first = search_step(done, search_task("c1"), 3)
    assert first.step is Step.FINISH and after_listing(search_task("c1"), first.listing) == (
        PlanningCompleted(export_id="export", search_pages=2)
    )
    assert search_step(done, search_task(), 0).step is Step.DROP


def test_a_search_page_yields_the_documents_it_serves_whole() -> None:
    page = {
        "results": [
            {"object": "page", "id": "p1"},
            {"object": "data_source", "id": "d1"},
            {"object": "database", "id": "db1"},
            {"object": "page", "id": "gone", "in_trash": True},
            {"object": "page", "id": "old", "archived": True},
            {"object": "user", "id": "u1"},
        ]
    }
    found = found_on(page)
    assert [(item.id, item.kind) for item in found] == [
        ("p1", DocumentKind.PAGE),
        ("d1", DocumentKind.DATA_SOURCE),
        ("db1", DocumentKind.DATABASE),
    ]
    assert found[0].listed == {"object": "page", "id": "p1"}
    assert found_on({"results": []}) == [] and found_on({}) == []


def test_search_has_ended_once_the_listing_is_done_or_when_there_is_none() -> None:
    assert not search_ended(search_task(), None)
    assert not search_ended(search_task(), Listing(pages=3))
    assert search_ended(search_task(), Listing(pages=3, done=True))
    assert search_ended(search_task(mode="roots"), None)


def test_the_table_entry_is_the_listing_s_fields() -> None:
    listing = Listing("c2", 7, False, 2, False)
    entry = msgspec.to_builtins(listing)
    assert entry == {"cursor": "c2", "owner": 7, "open": False, "pages": 2, "done": False}
    assert msgspec.convert(entry, Listing) == listing
