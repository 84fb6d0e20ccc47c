"""Issue 6: a worker taking over restores its tables from the changelogs' real end.

Faust reads a changelog up to the end offset the broker reports; the embedded
broker reports the last batch's base offset + 1, which would leave the rest of a
multi-record batch (a table's last writes) out of the restored table.
"""

from __future__ import annotations

import asyncio

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from faust.types import TP

from notion_sync.kafka.highwater import true_end_offsets
from tests.fixtures.kafka import TestBroker


async def _reported_ends(bootstrap: str, tps: list[TP]) -> dict[TP, int]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(tp.topic, tp.partition) for tp in tps])
    finally:
        await consumer.stop()
    return {TP(tp.topic, tp.partition): end for tp, end in ends.items()}


def test_the_end_is_after_the_last_record_of_a_multi_record_batch(
    kafka_broker: TestBroker, topic_prefix: str
) -> None:
    topic = f"{topic_prefix}.changelog"
    admin = AdminClient({"bootstrap.servers": kafka_broker.bootstrap, "log_level": 0})
    admin.create_topics([NewTopic(topic, 3, 1)])[topic].result(15)
    producer = Producer(
        {"bootstrap.servers": kafka_broker.bootstrap, "linger.ms": 200, "log_level": 0}
    )
    counts = {0: 1, 1: 17, 2: 0}  # one record; a burst in few batches; nothing at all
    for partition, count in counts.items():
        for i in range(count):
            producer.produce(topic, value=f"write-{i}".encode(), partition=partition)
    assert producer.flush(15) == 0
    tps = [TP(topic, partition) for partition in counts]

    async def ends() -> tuple[dict[TP, int], dict[TP, int]]:
        reported = await _reported_ends(kafka_broker.bootstrap, tps)
        return reported, await true_end_offsets(kafka_broker.bootstrap, reported)

    reported, real = asyncio.run(ends())
    assert real == {TP(topic, partition): count for partition, count in counts.items()}
    assert all(reported[tp] <= real[tp] for tp in tps)
