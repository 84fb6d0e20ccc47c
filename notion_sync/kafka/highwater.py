"""Table recovery on the embedded broker: read each changelog to its real end.

Faust restores a table by reading its changelog up to the end offset that
ListOffsets reports. Tansu 0.6 reports the last batch's base offset + 1, so the
rest of a multi-record batch lies past it, and a worker taking over could restore
a table without a partition's last writes: a document's final outcome, an
export's phase. The ledger then waits for news that has already come, and the
export never ends.

:func:`install` makes Faust's consumer ask for the end offsets as before, then
read each partition's last batch, with a throwaway consumer that only
``assign()``s, to find where it really ends. On a Kafka cluster the two agree, so
it is installed for the embedded broker only.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.types import TP

__all__ = ["install", "true_end_offsets"]

#: How long to wait for a partition's last batch before trusting the reported end.
READ_TIMEOUT = 10.0

_reported_highwaters = AIOKafkaConsumerThread._highwaters


async def true_end_offsets(bootstrap: str, reported: Mapping[Any, int]) -> dict[Any, int]:
    """The offset after each partition's last record, given the ends ListOffsets reported."""
    ends = dict(reported)
    pending = {tp: end for tp, end in reported.items() if end and end > 0}
    if not pending:
        return ends
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await reader.start()
    try:
        partitions = {TopicPartition(tp.topic, tp.partition): tp for tp in pending}
        reader.assign(list(partitions))
        for partition, tp in partitions.items():
            reader.seek(partition, pending[tp] - 1)  # the last batch's first record
        seen: set[Any] = set()
        deadline = time.monotonic() + READ_TIMEOUT
        while time.monotonic() < deadline:
            batch = await reader.getmany(timeout_ms=200)
            for partition, records in batch.items():
                tp = partitions[partition]
                seen.add(tp)
                ends[tp] = max(ends[tp], records[-1].offset + 1)
            # A batch arrives whole: once every partition answered, a quiet poll ends it.
            if not batch and seen >= set(pending):
                break
    finally:
        await reader.stop()
    return ends


def install(bootstrap: str) -> None:
    """Make Faust's recovery read changelogs to their real end on ``bootstrap`` (idempotent)."""

    async def _highwaters(self: AIOKafkaConsumerThread, partitions: list[TP]) -> Mapping[TP, int]:
        reported = await _reported_highwaters(self, partitions)
        return await true_end_offsets(bootstrap, reported)

    AIOKafkaConsumerThread._highwaters = _highwaters  # type: ignore[method-assign]
