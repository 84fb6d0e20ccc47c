"""Listing a workspace one search page per fetch task, handed on through the planned table.

Faust commits a partition only up to its oldest unfinished message. A listing run
by one task held back every commit of the integration's fetch-tasks partition, and
kept in memory each offset acked behind it, for as long as the listing ran, all of
it work to redo after a crash (docs/architecture.md has the figures). So a task
lists one page and sends the task for the next page to the back of the queue,
behind the documents the page found.

Kafka cannot write the table and send the next task in one step, so around a crash
a page's task can come again and its successor twice. The table entry makes that
safe: it names the page to list next (``cursor``), the message that holds the
listing (``owner``, by its offset: every task of one integration is on one
partition), and whether the owner has listed its page (``open``, the next page free
to claim). A task acts as the owner, or claims an open page whose cursor it carries;
any other is a copy and is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import msgspec

from notion_sync.core.records import DocumentKind, FetchTask, PlanningCompleted, TaskKind
from notion_sync.streams.scheduling import Discovered
from notion_sync.streams.tasks import ROOTS, fetch_task

__all__ = [
    "Listing",
    "SearchStep",
    "Step",
    "after_listing",
    "found_on",
    "next_step",
    "search_ended",
    "search_step",
]

#: What search lists, by the ``object`` field of a result.
_LISTED_KINDS = {
    "page": DocumentKind.PAGE,
    "data_source": DocumentKind.DATA_SOURCE,
    "database": DocumentKind.DATABASE,
}


class Step(Enum):
    LIST = "list"  # list the page at the cursor (claiming it first if the task is not the owner)
    HAND_ON = "hand on"  # the owner listed its page: send the next page's task (again)
    FINISH = "finish"  # the listing is done: the closing steps (again, after a crash)
    DROP = "drop"


class Listing(msgspec.Struct, frozen=True):
    """The ``search/<export>`` entry of the planned table."""

    cursor: str | None = None
    owner: int | None = None
    open: bool = True
    pages: int = 0
    done: bool = False

    def claimed(self, offset: int) -> Listing:
        return msgspec.structs.replace(self, owner=offset, open=False)

    def listed(self, page: dict[str, Any]) -> Listing:
        """After the owner has listed the page at the cursor: the next page is open."""
        cursor = page.get("next_cursor")
        done = not page.get("has_more") or not cursor
        return msgspec.structs.replace(
            self, cursor=None if done else cursor, open=True, pages=self.pages + 1, done=done
        )


def next_step(listing: Listing, cursor: str | None, offset: int) -> Step:
    """What the search task at ``offset``, carrying ``cursor``, does with the listing."""
    owner = offset == listing.owner
    if listing.done:
        return Step.FINISH if owner else Step.DROP
    if owner:
        return Step.HAND_ON if listing.open else Step.LIST
    if listing.open and cursor == listing.cursor:
        return Step.LIST
    return Step.DROP


def search_ended(task: FetchTask, listing: Listing | None) -> bool:
    """Whether the export's listing is over (an export of roots has none)."""
    return task.mode == ROOTS or (listing is not None and listing.done)


@dataclass(frozen=True)
class SearchStep:
    """A search task's step, and the listing as the step leaves it: for ``LIST``, claimed
    by the task, to be written before the page is listed."""

    step: Step
    listing: Listing


def search_step(entry: Listing | None, task: FetchTask, offset: int) -> SearchStep:
    listing = entry or Listing()
    step = next_step(listing, task.cursor, offset)
    return SearchStep(step, listing.claimed(offset) if step is Step.LIST else listing)


def found_on(page: dict[str, Any]) -> list[Discovered]:
    """The documents a search page lists, served whole (in the trash or archived: none)."""
    return [
        Discovered(str(obj["id"]), _LISTED_KINDS[obj["object"]], obj)
        for obj in page.get("results") or []
        if obj.get("object") in _LISTED_KINDS
        and not obj.get("in_trash")
        and not obj.get("archived")
    ]


def after_listing(task: FetchTask, listing: Listing) -> FetchTask | PlanningCompleted:
    """The next page's task, or (the listing done) the news that planning is complete,
    sent once the deferred documents are tasked."""
    if not listing.done:
        return fetch_task(task, TaskKind.SEARCH, cursor=listing.cursor)
    return PlanningCompleted(export_id=task.export_id, search_pages=listing.pages)
