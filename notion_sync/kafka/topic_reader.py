"""Reading a topic from the start, outside any consumer group (status, follow, replay).

"Up to the end" cannot trust the high watermark alone: the embedded broker (Tansu
0.6) reports the base offset of the last batch + 1, so a multi-record batch ends
after the watermark. A partition is therefore done once a record at or past its
watermark has been read *and* a poll comes back empty: the rest of a batch always
arrives in the same fetch as its first record.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

from notion_sync.core.errors import BrokerError
from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.kafka.connection import PLAINTEXT, confluent_options

__all__ = ["read_topic"]

Record = tuple[int, int, bytes | None, bytes]


def _ignore(_error: object) -> None:
    """librdkafka's error callback: transient broker errors are retried by the client."""


def read_topic(
    bootstrap: str,
    topic: str,
    *,
    follow: bool = False,
    stop: Callable[[], bool] = lambda: False,
    timeout: float = 10.0,
    security: KafkaSecurity = PLAINTEXT,
) -> Iterator[Record]:
    """``(partition, offset, key, value)`` of every record of ``topic`` from the beginning.

    Without ``follow`` it ends at the topic's end as it was when reading began;
    with it, it goes on until ``stop()`` is true. A missing topic yields nothing.
    """
    from confluent_kafka import Consumer, KafkaException, TopicPartition

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"notion-sync-reader-{uuid.uuid4().hex}",  # never joined: assign() only
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            # librdkafka would log every failed connection attempt on the user's terminal;
            # what matters reaches us as a timeout or an error and is said once, by us.
            "log_level": 0,
            "error_cb": _ignore,
            **confluent_options(security),
        }
    )
    try:
        try:
            meta = consumer.list_topics(topic, timeout=timeout).topics.get(topic)
        except KafkaException as exc:
            raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
        if meta is None or meta.error is not None or not meta.partitions:
            return
        pending: dict[int, int] = {}
        assigned = []
        for partition in sorted(meta.partitions):
            low, high = consumer.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=timeout
            )
            assigned.append(TopicPartition(topic, partition, low))
            if high > low:
                pending[partition] = high
        consumer.assign(assigned)
        reached: set[int] = set()
        deadline = time.monotonic() + timeout
        while follow or pending:
            if follow and stop():
                return
            message = consumer.poll(0.2)
            if message is None:
                if not follow:
                    for partition in reached:
                        pending.pop(partition, None)
                    if time.monotonic() > deadline and pending:
                        raise BrokerError(f"timed out reading {topic} at {bootstrap}")
                continue
            deadline = time.monotonic() + timeout
            if message.error():
                continue
            partition, offset = message.partition(), message.offset() or 0
            if partition in pending and offset + 1 >= pending[partition]:
                reached.add(partition)
            yield partition, offset, message.key(), message.value() or b""
    finally:
        consumer.close()
