"""Listing a workspace one search page per fetch task, handed on through the planned table.

Faust commits a partition only up to its oldest unfinished message. A listing run
by one task held back every commit of the integration's fetch-tasks partition, and
kept in memory each offset acked behind it, for as long as the listing ran: 14
minutes and 14,000 offsets of a 100,000-page export, all of them work to redo after
a crash. So a task lists one page and sends the task for the next page to the back
of the queue, behind the documents the page found.

Kafka cannot write the table and send the next task in one step, so around a crash
a page's task can come again and its successor twice. The table entry makes that
safe: it names the page to list next (``cursor``), the message that holds the
listing (``owner``, by its offset: every task of one integration is on one
partition), and whether the owner has listed its page (``open``, the next page free
to claim). A task acts as the owner, or claims an open page whose cursor it carries;
any other is a copy and is dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import Enum
from typing import Any

__all__ = ["Listing", "Step", "next_step"]


class Step(Enum):
    LIST = "list"  # list the page at the cursor (claiming it first if the task is not the owner)
    HAND_ON = "hand on"  # the owner listed its page: send the next page's task (again)
    FINISH = "finish"  # the listing is done: the closing steps (again, after a crash)
    DROP = "drop"


@dataclass(frozen=True)
class Listing:
    cursor: str | None = None
    owner: int | None = None
    open: bool = True
    pages: int = 0
    done: bool = False

    @classmethod
    def from_entry(cls, entry: dict[str, Any] | None, offset: int) -> Listing:
        """The table's entry; one written before listings were handed on (no owner) is
        adopted by the task that finds it, which goes on listing from its cursor."""
        if entry is None:
            return cls()
        if "owner" not in entry:
            return cls(entry.get("cursor"), offset, False, entry.get("pages", 0), entry["done"])
        return cls(**entry)

    def entry(self) -> dict[str, Any]:
        return asdict(self)

    def claimed(self, offset: int) -> Listing:
        return replace(self, owner=offset, open=False)

    def listed(self, page: dict[str, Any]) -> Listing:
        """After the owner has listed the page at the cursor: the next page is open."""
        cursor = page.get("next_cursor")
        done = not page.get("has_more") or not cursor
        return replace(
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
