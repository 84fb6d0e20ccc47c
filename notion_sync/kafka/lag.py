"""Consumer lag as the broker sees it: the group's committed offsets against the partitions' ends.

A worker's own view of its lag (``notion_sync_consumer_lag_messages``) dies with it,
and the partitions it held then show nothing while their backlog grows. The broker
still knows what the group committed (OffsetFetch) and where each partition ends
(ListOffsets), so every worker reads the whole group's lag from there
(``notion_sync_group_lag_messages``) and ``notion-sync status --lag`` prints it.

On the embedded broker a partition's end is its last batch's start + 1
(``highwater``), so a partition can read up to one batch short of its backlog.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from notion_sync.core.errors import BrokerError
from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.core.metrics import GROUP_LAG
from notion_sync.kafka.connection import PLAINTEXT, aiokafka_options

if TYPE_CHECKING:
    from aiokafka import AIOKafkaConsumer
    from aiokafka.admin import AIOKafkaAdminClient

__all__ = ["LAG_INTERVAL", "LagReader", "PartitionLag", "lag_of", "publish", "read_lag"]

log = logging.getLogger(__name__)

#: Seconds between reads in a worker: one scrape interval; each read is three requests.
LAG_INTERVAL = 15.0


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    #: None: the group has committed nothing on this partition yet.
    committed: int | None
    end: int
    lag: int


def lag_of(committed: int | None, start: int, end: int) -> int:
    """Messages the group has still to read: from its committed offset, or, with nothing
    committed, from the oldest one kept (the workers start at the earliest offset)."""
    position = start if committed is None or committed < 0 else max(committed, start)
    return max(0, end - position)


class LagReader:
    """One admin client and one group-less consumer, kept open between reads."""

    def __init__(
        self,
        bootstrap: str,
        group: str,
        topics: list[str],
        *,
        security: KafkaSecurity = PLAINTEXT,
        timeout: float = 10.0,
    ) -> None:
        self.bootstrap = bootstrap
        self.group = group
        self.topics = topics
        self.security = security
        self.timeout = timeout
        self._admin: AIOKafkaAdminClient | None = None
        self._offsets: AIOKafkaConsumer | None = None

    async def read(self) -> list[PartitionLag]:
        """Every partition of the topics, in topic and partition order."""
        from aiokafka import TopicPartition
        from aiokafka.errors import KafkaError

        try:
            admin, offsets = await self._clients()
            described = await admin.describe_topics(self.topics)
            partitions = sorted(
                TopicPartition(topic["topic"], partition["partition"])
                for topic in described
                if topic["error_code"] == 0
                for partition in topic["partitions"]
            )
            if not partitions:
                return []
            committed = await admin.list_consumer_group_offsets(self.group, partitions=partitions)
            ends = await offsets.end_offsets(partitions)
            starts = await offsets.beginning_offsets(partitions)
        except (KafkaError, OSError) as exc:
            await self.close()  # reconnect from scratch on the next read
            raise BrokerError(
                f"cannot read consumer lag from Kafka at {self.bootstrap}: {exc}"
            ) from exc
        found = []
        for tp in partitions:
            meta = committed.get(tp)
            offset = meta.offset if meta is not None and meta.offset >= 0 else None
            end = ends[tp]
            found.append(
                PartitionLag(tp.topic, tp.partition, offset, end, lag_of(offset, starts[tp], end))
            )
        return found

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        from aiokafka import AIOKafkaConsumer
        from aiokafka.admin import AIOKafkaAdminClient

        timeout_ms = int(self.timeout * 1000)
        if self._admin is None:
            self._admin = AIOKafkaAdminClient(
                bootstrap_servers=self.bootstrap,
                request_timeout_ms=timeout_ms,
                **aiokafka_options(self.security),
            )
            await self._admin.start()
        if self._offsets is None:
            self._offsets = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap,
                group_id=None,
                enable_auto_commit=False,
                request_timeout_ms=timeout_ms,
                **aiokafka_options(self.security),
            )
            await self._offsets.start()
        return self._admin, self._offsets

    async def close(self) -> None:
        admin, offsets = self._admin, self._offsets
        self._admin = self._offsets = None
        for close in (admin.close if admin else None, offsets.stop if offsets else None):
            if close is not None:
                try:
                    await close()
                except Exception as exc:  # closing a broken connection: nothing left to do
                    log.debug("closing a lag client: %s", exc)

    async def run(self) -> None:
        """Read and publish every ``LAG_INTERVAL`` seconds until cancelled (a worker's task)."""
        try:
            while True:
                try:
                    publish(await self.read())
                except BrokerError as exc:
                    GROUP_LAG.clear()  # no numbers rather than stale ones
                    log.warning("%s", exc)
                await asyncio.sleep(LAG_INTERVAL)
        finally:
            await self.close()


def publish(lags: list[PartitionLag]) -> None:
    """Set ``notion_sync_group_lag_messages`` to exactly these partitions."""
    GROUP_LAG.clear()
    for lag in lags:
        GROUP_LAG.labels(lag.topic, str(lag.partition)).set(lag.lag)


def read_lag(
    bootstrap: str, group: str, topics: list[str], *, security: KafkaSecurity = PLAINTEXT
) -> list[PartitionLag]:
    """One read, for a command: :class:`PartitionLag` per partition."""

    async def once() -> list[PartitionLag]:
        reader = LagReader(bootstrap, group, topics, security=security)
        try:
            return await reader.read()
        finally:
            await reader.close()

    return asyncio.run(once())
