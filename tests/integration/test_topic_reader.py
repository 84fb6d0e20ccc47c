"""Reading a topic to its end must not trust the broker's high watermark alone."""

from __future__ import annotations

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from notion_sync.kafka.topic_reader import read_topic
from tests.fixtures.kafka import TestBroker


def test_every_record_of_multi_record_batches_is_read(
    kafka_broker: TestBroker, topic_prefix: str
) -> None:
    topic = f"{topic_prefix}.batches"
    admin = AdminClient({"bootstrap.servers": kafka_broker.bootstrap, "log_level": 0})
    admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(15)
    producer = Producer(
        {"bootstrap.servers": kafka_broker.bootstrap, "linger.ms": 100, "log_level": 0}
    )
    sent = [f"record-{i}".encode() for i in range(25)]
    for i, value in enumerate(sent):
        producer.produce(topic, value=value, partition=i % 2)
    assert producer.flush(15) == 0
    read = [value for _p, _o, _k, value in read_topic(kafka_broker.bootstrap, topic)]
    assert sorted(read) == sorted(sent)


def test_a_missing_topic_reads_as_empty(kafka_broker: TestBroker, topic_prefix: str) -> None:
    assert list(read_topic(kafka_broker.bootstrap, f"{topic_prefix}.nothing-here")) == []
