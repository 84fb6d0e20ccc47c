"""One export's entries in a per-document table: read as a range, written in paced batches.

Per-document tables key their entries by export and document, beside other keys
(the fetcher's ``search/<export_id>`` cursor), so one export's entries are a key
range: read from the SQLite store's index, or by a scan of any other mapping.

Every write to a Faust table queues a changelog message that Faust sends only
after the event being processed returns, so thousands of writes in one event (an
ended export's entries deleted) would all wait in memory: they are made a batch at a
time, each batch sent before the next is queued (docs/architecture.md, Memory).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from itertools import islice
from typing import Any

import faust

from notion_sync.kafka.faust_patches import flush_table_writes
from notion_sync.kafka.table_store import Entries

__all__ = ["WRITE_BATCH", "delete_export_entries", "export_entries", "set_entries"]

#: Table writes queued at once: Faust's producer buffer is meant for about a hundred.
WRITE_BATCH = 100


def export_entries(table: Mapping[Any, Any], export_id: str) -> Iterator[tuple[str, Any]]:
    """``(key, value)`` of every ``"<export_id>/…"`` key, in key order.

    Lazy: a caller that writes the table while it reads takes a list first.
    """
    prefix = f"{export_id}/"
    entries = getattr(getattr(table, "data", None), "data", None)
    if isinstance(entries, Entries):
        return entries.with_prefix(prefix)
    return iter(
        sorted(
            (key, value)
            for key, value in list(table.items())
            if isinstance(key, str) and key.startswith(prefix)
        )
    )


async def set_entries(
    app: faust.App, table: MutableMapping[Any, Any], items: Iterable[tuple[str, Any]]
) -> None:
    """``table[key] = value`` for each item, ``WRITE_BATCH`` at a time."""
    pending = iter(items)
    while batch := list(islice(pending, WRITE_BATCH)):
        for key, value in batch:
            table[key] = value
        await flush_table_writes(app)


async def delete_export_entries(
    app: faust.App, table: MutableMapping[Any, Any], export_id: str
) -> None:
    """Delete every ``"<export_id>/…"`` entry of ``table``, ``WRITE_BATCH`` at a time."""
    while batch := [key for key, _ in islice(export_entries(table, export_id), WRITE_BATCH)]:
        for key in batch:
            del table[key]
        await flush_table_writes(app)
