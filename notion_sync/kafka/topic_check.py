"""Existing topics against their settings: what must stop a worker, what only deserves a warning.

Partition counts come from metadata; retention, cleanup and compression from
DescribeConfigs, which the embedded broker answers too. A broker that does not is
only not compared.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from notion_sync.core.config import ENV_PREFIX

if TYPE_CHECKING:
    from aiokafka.admin import AIOKafkaAdminClient

    from notion_sync.kafka.topics import TopicSpec

__all__ = ["compare_topics", "config_differences", "partition_mismatch"]

log = logging.getLogger(__name__)


def partition_mismatch(spec: TopicSpec, actual: int) -> str | None:
    """Why a worker must not run on ``actual`` partitions, and what to do; None if they agree.

    Keys are spread over the partition count, and the tables' changelogs are partitioned
    like export-events: a worker on another count would look for state where it is not.
    """
    if actual == spec.partitions:
        return None
    key = f"{spec.setting}.partitions"
    env = ENV_PREFIX + key.replace(".", "__").upper()
    grow = (
        f"or add partitions while no export runs (kafka-topics.sh --alter --topic {spec.name} "
        f"--partitions {spec.partitions})"
        if actual < spec.partitions
        else "or delete the topic while no export runs, and a worker creates it again"
    )
    return (
        f"topic {spec.name} has {actual} partitions, the configuration says {spec.partitions} "
        f"({key}): set {key}: {actual} (or {env}={actual}) to use the topic as it is, {grow}"
    )


def config_differences(
    spec: TopicSpec, replicas: int, configs: Mapping[str, str | None]
) -> list[str]:
    """How an existing topic differs from its settings, beside the partition count; a
    config the broker did not describe is not compared."""
    found = []
    if replicas != spec.replication_factor:
        found.append(
            f"topic {spec.name} has {replicas} replicas, the configuration says "
            f"{spec.replication_factor} ({spec.setting}.replication_factor)"
        )
    for name, wanted in spec.config.items():
        actual = configs.get(name)
        if name in configs and actual != wanted:
            found.append(
                f"topic {spec.name} has {name}={actual}, the configuration says {wanted} "
                f"({spec.setting}.{name.replace('.', '_')}): change the topic "
                f"(kafka-configs.sh --alter --entity-type topics --entity-name {spec.name} "
                f"--add-config {name}={wanted}) or the setting"
            )
    return found


async def compare_topics(admin: AIOKafkaAdminClient, existing: list[TopicSpec]) -> list[str]:
    """Partition-count mismatches (returned) and other differences (logged as warnings)."""
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
    from aiokafka.errors import KafkaError

    if not existing:
        return []
    try:
        topics = await admin.describe_topics([spec.name for spec in existing])
    except (KafkaError, OSError) as exc:
        log.warning("cannot compare the topics with the configuration: %s", exc)
        return []
    described = {topic["topic"]: topic["partitions"] for topic in topics if not topic["error_code"]}
    configs: dict[str, dict[str, str | None]] = {}
    try:
        responses = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, spec.name) for spec in existing]
        )
    except (KafkaError, OSError) as exc:
        log.info("the broker does not describe topic configs (%s): not compared", exc)
        responses = []
    for response in responses:
        for code, _message, _kind, name, entries, *_ in response.resources:
            if code == 0:
                configs[name] = {entry[0]: entry[1] for entry in entries}
    mismatched = []
    for spec in existing:
        if spec.name not in described:
            log.warning("cannot compare topic %s with the configuration: not described", spec.name)
            continue
        partitions = described[spec.name]
        problem = partition_mismatch(spec, len(partitions))
        if problem:
            mismatched.append(problem)
        replicas = max((len(p["replicas"]) for p in partitions), default=spec.replication_factor)
        for difference in config_differences(spec, replicas, configs.get(spec.name, {})):
            log.warning("%s", difference)
    return mismatched
