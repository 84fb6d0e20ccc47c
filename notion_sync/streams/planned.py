"""The ``fetch-planned`` table read and written as typed values, converted here only.

Its stores keep JSON-able builtins; msgspec turns them into typed values and back.

The table (changelogged, co-partitioned with fetch-tasks) holds, per running export,
a :class:`~notion_sync.streams.scheduling.PlannedDocument` for every document it has
owed (``<export>/<document>``) and the listing's hand-on state, a
:class:`~notion_sync.streams.listing.Listing` (``search/<export>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any

import faust
import msgspec

from notion_sync.kafka.tables import delete_export_entries, export_entries, set_entries
from notion_sync.streams.listing import Listing
from notion_sync.streams.scheduling import PlannedDocument, PlanState

__all__ = ["PlannedTable"]


def _listing_key(export_id: str) -> str:
    return f"search/{export_id}"


class PlannedTable:
    """The table read and written as typed values."""

    def __init__(self, app: faust.App, table: MutableMapping[str, Any]) -> None:
        self.app = app
        self.table = table

    def __len__(self) -> int:
        return len(self.table)

    def document(self, key: str) -> PlannedDocument | None:
        entry = self.table.get(key)
        return None if entry is None else msgspec.convert(entry, PlannedDocument)

    def deferred(self, export_id: str) -> Iterator[tuple[str, PlannedDocument]]:
        """``(document id, entry)`` of each document of the export waiting for search."""
        for key, entry in export_entries(self.table, export_id):
            planned = msgspec.convert(entry, PlannedDocument)
            if planned.state is PlanState.DEFERRED:
                yield key.split("/", 1)[1], planned

    async def write(self, entries: Iterable[tuple[str, PlannedDocument]]) -> None:
        await set_entries(
            self.app, self.table, ((key, msgspec.to_builtins(value)) for key, value in entries)
        )

    def listing(self, export_id: str) -> Listing | None:
        entry = self.table.get(_listing_key(export_id))
        return None if entry is None else msgspec.convert(entry, Listing)

    def set_listing(self, export_id: str, listing: Listing) -> None:
        self.table[_listing_key(export_id)] = msgspec.to_builtins(listing)

    async def forget(self, export_id: str) -> None:
        """Drop every entry of an export that has ended."""
        await delete_export_entries(self.app, self.table, export_id)
        if _listing_key(export_id) in self.table:
            del self.table[_listing_key(export_id)]
