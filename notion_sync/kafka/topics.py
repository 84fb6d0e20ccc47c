"""Topic names, layouts and creation, and what each topic carries between whom.

Keys decide ordering and ownership (one partition owner per export, per integration,
per document), so they are part of the design, not a detail of the producers.
``TOPIC_ROLES`` states them with the events and the agents at each end; the topic
reference in docs/operations.md is built from it and from :func:`topic_specs`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from notion_sync.core.errors import BrokerError, ConfigError
from notion_sync.core.kafka_settings import KafkaSettings, TopicSettings
from notion_sync.kafka.connection import aiokafka_options
from notion_sync.kafka.topic_check import compare_topics

__all__ = [
    "TOPIC_ROLES",
    "TopicNames",
    "TopicRole",
    "TopicSpec",
    "ensure_topics",
    "group_id",
    "topic_specs",
]

if TYPE_CHECKING:
    from aiokafka.admin import AIOKafkaAdminClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicNames:
    prefix: str

    @property
    def requests(self) -> str:
        return f"{self.prefix}.export-requests"

    @property
    def fetch(self) -> str:
        return f"{self.prefix}.fetch-tasks"

    @property
    def entities(self) -> str:
        return f"{self.prefix}.entities"

    @property
    def events(self) -> str:
        return f"{self.prefix}.export-events"

    @property
    def dead_letters(self) -> str:
        return f"{self.prefix}.dead-letters"

    def all(self) -> list[str]:
        return [self.requests, self.fetch, self.entities, self.events, self.dead_letters]

    def consumed(self) -> list[str]:
        """What the workers' group reads, so where its lag is (dead letters are for people)."""
        return [self.requests, self.fetch, self.entities, self.events]


def group_id(prefix: str) -> str:
    """The workers' consumer group, Faust's app id: one group per topic prefix."""
    return "notion-sync" if prefix == "notion-sync" else f"notion-sync-{prefix}"


@dataclass(frozen=True)
class TopicRole:
    """What a topic carries (Avro record names), keyed by what, written and read by whom."""

    key: str
    values: tuple[str, ...]
    writers: str
    readers: str


#: By topic name without its prefix.
TOPIC_ROLES = {
    "export-requests": TopicRole(
        key="export id: one planner owns an export",
        values=("ExportRequested",),
        writers="`notion-sync request` and `run`",
        readers="planner",
    ),
    "fetch-tasks": TopicRole(
        key="token ref: one partition owner holds an integration's budget",
        values=("FetchTask",),
        writers="planner, fetcher (search's next page, discovered documents), ledger (`forget`)",
        readers="fetcher",
    ),
    "entities": TopicRole(
        key="document id: a document's chunks stay in order",
        values=("EntityChunk", "DocumentComplete"),
        writers="fetcher",
        readers="sink; `notion-sync replay`",
    ),
    "export-events": TopicRole(
        key="export id: one export's events in order",
        values=(
            "ExportStarted",
            "DocumentsScheduled",
            "PlanningCompleted",
            "DocumentDone",
            "FetchStats",
            "RenderRequested",
            "ExportProgress",
            "ExportCompleted",
            "ExportFailed",
        ),
        writers="planner, fetcher, sink, ledger, render agent",
        readers="ledger, render agent; `status`, `--follow`, `run`'s resume check, `replay`",
    ),
    "dead-letters": TopicRole(
        key="the original message's key",
        values=("DeadLetter",),
        writers="any agent, for a message it cannot process",
        readers="operators (nothing in notion-sync)",
    ),
}


@dataclass(frozen=True)
class TopicSpec:
    """A topic as the configuration wants it; ``setting`` is where that is configured."""

    name: str
    setting: str
    partitions: int
    replication_factor: int
    config: dict[str, str]


_TOPIC_ALREADY_EXISTS = 36  # Kafka protocol error code


def topic_specs(settings: KafkaSettings) -> list[TopicSpec]:
    """Each topic from ``kafka.topics.<name>``, in the order of ``TOPIC_ROLES``."""
    names = TopicNames(settings.topic_prefix)
    specs = []
    for short in TOPIC_ROLES:
        field = short.replace("-", "_")
        topic: TopicSettings = getattr(settings.topics, field)
        specs.append(
            TopicSpec(
                name=f"{names.prefix}.{short}",
                setting=f"kafka.topics.{field}",
                partitions=topic.partitions,
                replication_factor=topic.replication_factor or settings.replication_factor,
                config={
                    "retention.ms": str(topic.retention_ms),
                    "retention.bytes": str(topic.retention_bytes),
                    "cleanup.policy": topic.cleanup_policy,
                    "compression.type": topic.compression_type,
                },
            )
        )
    return specs


def ensure_topics(
    bootstrap: str, settings: KafkaSettings, timeout: float = 15.0, *, strict: bool = True
) -> None:
    """Create missing topics and compare existing ones with their settings.

    A partition count that differs raises :class:`ConfigError` (``strict``, as a worker
    needs) or is logged; other differences are logged as warnings: the topic still works.
    Through aiokafka's admin client, which the worker loads anyway for Faust:
    librdkafka would add ~6 MB to the worker's RSS for this one call at start-up.
    """
    problems = asyncio.run(_ensure_topics(bootstrap, settings, timeout))
    if problems and strict:
        raise ConfigError("\n".join(problems))
    for problem in problems:
        log.warning("%s", problem)


async def _ensure_topics(bootstrap: str, settings: KafkaSettings, timeout: float) -> list[str]:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.errors import KafkaError

    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        request_timeout_ms=int(timeout * 1000),
        **aiokafka_options(settings.security),
    )
    try:
        try:
            await admin.start()
            existing = set(await admin.list_topics())
        except (KafkaError, OSError) as exc:
            raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
        specs = topic_specs(settings)
        await _create(admin, [spec for spec in specs if spec.name not in existing], timeout)
        return await compare_topics(admin, [spec for spec in specs if spec.name in existing])
    finally:
        await admin.close()


async def _create(admin: AIOKafkaAdminClient, wanted: list[TopicSpec], timeout: float) -> None:
    from aiokafka.admin import NewTopic

    if not wanted:
        return
    response = await admin.create_topics(
        [
            NewTopic(spec.name, spec.partitions, spec.replication_factor, topic_configs=spec.config)
            for spec in wanted
        ],
        timeout_ms=int(timeout * 1000),
    )
    for name, code, message in response.topic_errors:
        if code not in (0, _TOPIC_ALREADY_EXISTS):
            raise BrokerError(f"cannot create topic {name}: {message or f'error {code}'}")
        if code == 0:
            log.info("created topic %s", name)
