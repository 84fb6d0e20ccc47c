"""Consumer lag read from the broker: committed offsets against end offsets, whoever is alive."""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from notion_sync.cli.main import main
from notion_sync.core.config import Settings
from notion_sync.core.errors import BrokerError
from notion_sync.kafka.lag import read_lag
from notion_sync.kafka.topics import TopicNames, ensure_topics, group_id
from tests.fixtures.kafka import TestBroker
from tests.fixtures.pipeline import PipelineFactory
from tests.integration.probes import free_port, get, poll


async def _produce_and_commit(bootstrap: str, topic: str, group: str) -> None:
    """5 records on partition 0 and 3 on partition 1, each its own batch; the group commits
    offset 2 on partition 0 (as a worker that read two records) and nothing on 1."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0)
    await producer.start()
    try:
        for partition, count in ((0, 5), (1, 3)):
            for i in range(count):
                await producer.send_and_wait(topic, b"%d" % i, partition=partition)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0)])
        await consumer.commit({TopicPartition(topic, 0): 2})
    finally:
        await consumer.stop()


def test_lag_is_committed_against_end_offsets_per_partition(
    kafka_broker: TestBroker, topic_prefix: str
) -> None:
    names = TopicNames(topic_prefix)
    settings = Settings.from_mapping(
        {"kafka": {"topic_prefix": topic_prefix, "topics": {"fetch_tasks": {"partitions": 2}}}}
    )
    ensure_topics(kafka_broker.bootstrap, settings.kafka)
    group = group_id(topic_prefix)
    asyncio.run(_produce_and_commit(kafka_broker.bootstrap, names.fetch, group))

    lags = read_lag(kafka_broker.bootstrap, group, names.consumed())
    by_partition = {(lag.topic, lag.partition): lag for lag in lags}
    assert len(lags) == 3 + 2 + 12 + 6  # every partition of every topic the group reads
    fetch0, fetch1 = by_partition[names.fetch, 0], by_partition[names.fetch, 1]
    assert (fetch0.committed, fetch0.end, fetch0.lag) == (2, 5, 3)
    assert (fetch1.committed, fetch1.end, fetch1.lag) == (None, 3, 3)
    assert sum(lag.lag for lag in lags) == 6

    # No worker runs: `status --lag` still answers, from the broker.
    env = {"NOTION_SYNC_KAFKA__TOPIC_PREFIX": topic_prefix}
    args = ["status", "--broker", kafka_broker.url, "--lag"]
    shown = CliRunner().invoke(main, [*args, "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    rows = {(row["topic"], row["partition"]): row for row in json.loads(shown.output)}
    assert rows[names.fetch, 0] == {
        "topic": names.fetch,
        "partition": 0,
        "committed": 2,
        "end": 5,
        "lag": 3,
    }
    assert rows[names.fetch, 1]["committed"] is None and rows[names.fetch, 1]["lag"] == 3
    lines = CliRunner().invoke(main, args, env=env).output.splitlines()
    assert lines[0] == "topic\tpartition\tcommitted\tend\tlag"
    assert f"{names.fetch}\t0\t2\t5\t3" in lines and f"{names.fetch}\t1\t\t3\t3" in lines


def _group_lag(port: int) -> dict[tuple[str, str], float] | None:
    response = get(port, "/metrics")
    if response is None or response.status_code != 200:
        return None
    found = {
        (sample.labels["topic"], sample.labels["partition"]): sample.value
        for family in text_string_to_metric_families(response.text)
        if family.name == "notion_sync_group_lag_messages"
        for sample in family.samples
    }
    return found or None


def test_every_worker_exports_the_lag_of_every_partition_of_the_group(
    pipeline_factory: PipelineFactory,
) -> None:
    """The second worker reports the partitions the first one owns as well: the numbers do
    not depend on which worker owns a partition, or on that worker being alive."""
    pipeline = pipeline_factory(pages=1)
    names = pipeline.names
    partitions = {names.requests: 2, names.fetch: 2, names.entities: 4, names.events: 2}
    everything = {
        (topic, str(partition)) for topic, count in partitions.items() for partition in range(count)
    }
    for _ in range(2):
        port = free_port()
        worker = pipeline.start_worker(NOTION_SYNC_WORKER__WEB_PORT=str(port))
        series = poll(
            lambda port=port: _group_lag(port),
            "group lag on /metrics",
            alive=lambda worker=worker: worker.process.poll() is None,
        )
        assert set(series) == everything
        assert all(value >= 0 for value in series.values())


def test_an_unreachable_broker_is_a_broker_error_naming_it() -> None:
    with pytest.raises(BrokerError, match=r"cannot read consumer lag from Kafka at 127\.0\.0\.1:9"):
        read_lag("127.0.0.1:9", "notion-sync", ["notion-sync.fetch-tasks"])
    shown = CliRunner().invoke(main, ["status", "--broker", "kafka://127.0.0.1:9", "--lag"])
    assert shown.exit_code == 3, shown.output  # no Kafka broker answered
