"""Where a partition really ends on the embedded broker, which reports less.

Faust restores a table by reading its changelog up to the end offset that
ListOffsets reports. Tansu 0.6 reports the last batch's base offset + 1, so the
rest of a multi-record batch lies past it, and a worker taking over could restore
a table without a partition's last writes: a document's final outcome, an
export's phase. The ledger then waits for news that has already come, and the
export never ends.

:func:`true_end_offsets` reads each partition's last batch, with a throwaway
consumer that only ``assign()``s, to find where it really ends;
``faust_patches`` makes Faust's recovery read to those ends on the embedded broker
(on a Kafka cluster the two agree).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.kafka.connection import PLAINTEXT, aiokafka_options

__all__ = ["READ_TIMEOUT", "TrueEnds", "true_end_offsets"]

#: How long to wait for a partition's last batch before trusting the reported end.
READ_TIMEOUT = 10.0


class TrueEnds:
    """Each partition's end as the reads of its last batch find it, and when they are done."""

    def __init__(self, reported: Mapping[Any, int]) -> None:
        self.ends = dict(reported)
        #: Where each partition's last batch starts: the record before the reported end
        #: (a partition reported empty has nothing to read).
        self.starts = {tp: end - 1 for tp, end in reported.items() if end and end > 0}
        self._answered: set[Any] = set()

    def read(self, tp: Any, last_offset: int) -> None:
        """A poll returned records of ``tp`` up to ``last_offset``."""
        self.ends[tp] = max(self.ends[tp], last_offset + 1)
        self._answered.add(tp)

    def complete(self, *, quiet: bool) -> bool:
        """A batch arrives whole: once every partition answered, a quiet poll ends it."""
        return quiet and self._answered >= set(self.starts)


async def true_end_offsets(
    bootstrap: str, reported: Mapping[Any, int], *, security: KafkaSecurity = PLAINTEXT
) -> dict[Any, int]:
    """The offset after each partition's last record, given the ends ListOffsets reported."""
    ends = TrueEnds(reported)
    if not ends.starts:
        return ends.ends
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        group_id=None,
        **aiokafka_options(security),
    )
    await reader.start()
    try:
        partitions = {TopicPartition(tp.topic, tp.partition): tp for tp in ends.starts}
        reader.assign(list(partitions))
        for partition, tp in partitions.items():
            reader.seek(partition, ends.starts[tp])
        deadline = time.monotonic() + READ_TIMEOUT
        while time.monotonic() < deadline:
            batch = await reader.getmany(timeout_ms=200)
            for partition, records in batch.items():
                ends.read(partitions[partition], records[-1].offset)
            if ends.complete(quiet=not batch):
                break
    finally:
        await reader.stop()
    return ends.ends
