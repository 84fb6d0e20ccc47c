"""Topics as configured, on a real broker: created with their settings, and an existing topic
that differs is reported (a wrong partition count stops the worker)."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys

import pytest

from notion_sync.core.config import Settings
from notion_sync.core.errors import ConfigError
from notion_sync.core.kafka_settings import DAY_MS
from notion_sync.kafka.topics import TopicNames, ensure_topics
from tests.fixtures.kafka import TestBroker


async def _create(bootstrap: str, name: str, partitions: int, configs: dict[str, str]) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        response = await admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs)])
        assert [code for _name, code, _message in response.topic_errors] == [0]
    finally:
        await admin.close()


async def _configs(bootstrap: str, name: str) -> dict[str, str]:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    finally:
        await admin.close()
    [(_code, _message, _kind, _name, entries, *_)] = response.resources
    return {entry[0]: entry[1] for entry in entries}


def _settings(prefix: str) -> Settings:
    return Settings.from_mapping({"kafka": {"topic_prefix": prefix}})


def test_topics_are_created_with_their_settings_and_differences_are_warned(
    kafka_broker: TestBroker, topic_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    names = TopicNames(topic_prefix)
    asyncio.run(_create(kafka_broker.bootstrap, names.entities, 12, {"retention.ms": "-1"}))
    with caplog.at_level(logging.WARNING, logger="notion_sync.kafka.topic_check"):
        ensure_topics(kafka_broker.bootstrap, _settings(topic_prefix).kafka)
    events = asyncio.run(_configs(kafka_broker.bootstrap, names.events))
    assert events["retention.ms"] == str(30 * DAY_MS)
    assert events["cleanup.policy"] == "delete"
    requests = asyncio.run(_configs(kafka_broker.bootstrap, names.requests))
    assert requests["retention.ms"] == str(7 * DAY_MS)
    warnings = [record.getMessage() for record in caplog.records]
    assert warnings == [
        f"topic {names.entities} has retention.ms=-1, the configuration says {30 * DAY_MS} "
        f"(kafka.topics.entities.retention_ms): change the topic (kafka-configs.sh --alter "
        f"--entity-type topics --entity-name {names.entities} --add-config "
        f"retention.ms={30 * DAY_MS}) or the setting"
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="notion_sync.kafka.topic_check"):
        ensure_topics(kafka_broker.bootstrap, _settings(topic_prefix).kafka)
    assert len(caplog.records) == 1  # the topics it created match: only entities differs


def test_a_wrong_partition_count_stops_the_worker_with_what_to_do(
    kafka_broker: TestBroker, topic_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    names = TopicNames(topic_prefix)
    asyncio.run(_create(kafka_broker.bootstrap, names.fetch, 2, {}))
    expected = (
        f"topic {names.fetch} has 2 partitions, the configuration says 6 "
        "(kafka.topics.fetch_tasks.partitions): set kafka.topics.fetch_tasks.partitions: 2"
    )
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        ensure_topics(kafka_broker.bootstrap, _settings(topic_prefix).kafka)
    with caplog.at_level(logging.WARNING, logger="notion_sync.kafka.topics"):
        ensure_topics(kafka_broker.bootstrap, _settings(topic_prefix).kafka, strict=False)
    assert [expected in record.getMessage() for record in caplog.records] == [True]

    env = {
        **os.environ,
        "NOTION_SYNC_KAFKA__BROKER": kafka_broker.url,
        "NOTION_SYNC_KAFKA__TOPIC_PREFIX": topic_prefix,
        "NOTION_SYNC_WORKER__WEB_PORT": "0",
    }
    worker = subprocess.run(
        [sys.executable, "-m", "notion_sync", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert worker.returncode == 2, worker.stderr
    assert expected in worker.stderr
    assert "Traceback" not in worker.stderr
    fixed = subprocess.run(
        [sys.executable, "-m", "notion_sync", "config", "check"],
        env={**env, "NOTION_SYNC_KAFKA__TOPICS__FETCH_TASKS__PARTITIONS": "2"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fixed.returncode == 0 and "partitions: 2" in fixed.stdout
