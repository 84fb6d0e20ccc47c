"""Topic settings: what notion-sync creates, and how an existing topic that differs is reported."""

from __future__ import annotations

from notion_sync.core.config import Settings
from notion_sync.core.kafka_settings import DAY_MS, KafkaSettings
from notion_sync.kafka.topic_check import config_differences, partition_mismatch
from notion_sync.kafka.topics import TopicNames, group_id, topic_specs


def _specs(**kafka: object) -> dict[str, object]:
    settings = Settings.from_mapping({"kafka": kafka}).kafka
    return {spec.name.split(".", 1)[1]: spec for spec in topic_specs(settings)}


def test_every_topic_is_created_with_finite_retention_by_default() -> None:
    specs = topic_specs(KafkaSettings())
    assert [spec.name for spec in specs] == TopicNames("notion-sync").all()
    retention = {spec.name.split(".", 1)[1]: int(spec.config["retention.ms"]) for spec in specs}
    assert retention == {
        "export-requests": 7 * DAY_MS,
        "fetch-tasks": 7 * DAY_MS,
        "entities": 30 * DAY_MS,
        "export-events": 30 * DAY_MS,
        "dead-letters": 30 * DAY_MS,
    }
    assert all(spec.config["cleanup.policy"] == "delete" for spec in specs)
    assert [spec.partitions for spec in specs] == [3, 6, 12, 6, 1]


def test_one_topic_setting_changes_that_topic_only() -> None:
    specs = _specs(
        replication_factor=3,
        topics={"entities": {"retention_ms": -1, "compression_type": "zstd", "partitions": 24}},
    )
    entities = specs["entities"]
    assert entities.config["retention.ms"] == "-1"  # kept until deleted, when asked
    assert entities.config["compression.type"] == "zstd"
    assert (entities.partitions, entities.replication_factor) == (24, 3)
    assert specs["export-events"].config["retention.ms"] == str(30 * DAY_MS)
    assert specs["export-events"].config["compression.type"] == "producer"
    dead = _specs(topics={"dead_letters": {"replication_factor": 2}})["dead-letters"]
    assert dead.replication_factor == 2


def test_a_partition_mismatch_names_topic_counts_setting_and_the_fixes() -> None:
    spec = topic_specs(KafkaSettings())[1]
    assert partition_mismatch(spec, 6) is None
    fewer = partition_mismatch(spec, 2)
    assert fewer is not None
    assert "topic notion-sync.fetch-tasks has 2 partitions, the configuration says 6" in fewer
    assert "set kafka.topics.fetch_tasks.partitions: 2" in fewer
    assert "NOTION_SYNC_KAFKA__TOPICS__FETCH_TASKS__PARTITIONS=2" in fewer
    assert "--partitions 6" in fewer
    more = partition_mismatch(spec, 12)
    assert more is not None and "delete the topic" in more and "--partitions" not in more


def test_config_differences_compare_only_what_the_broker_described() -> None:
    spec = topic_specs(KafkaSettings())[2]  # entities
    wanted = dict(spec.config)
    assert config_differences(spec, 1, wanted) == []
    assert config_differences(spec, 1, {}) == []  # a broker that describes nothing
    found = config_differences(spec, 3, {**wanted, "retention.ms": "-1"})
    assert len(found) == 2
    assert "notion-sync.entities has 3 replicas, the configuration says 1" in found[0]
    assert f"retention.ms=-1, the configuration says {30 * DAY_MS}" in found[1]
    assert "(kafka.topics.entities.retention_ms)" in found[1]


def test_the_group_is_named_after_the_prefix() -> None:
    assert group_id("notion-sync") == "notion-sync"
    assert group_id("acme") == "notion-sync-acme"
    names = TopicNames("acme")
    assert names.consumed() == [names.requests, names.fetch, names.entities, names.events]
