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

from notion_sync.core.config import KafkaSettings
from notion_sync.core.errors import BrokerError

__all__ = ["TOPIC_ROLES", "TopicNames", "TopicRole", "TopicSpec", "ensure_topics", "topic_specs"]

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
    name: str
    partitions: int
    config: dict[str, str]


_TOPIC_ALREADY_EXISTS = 36  # Kafka protocol error code

_RETAINED = {"retention.ms": "-1", "retention.bytes": "-1"}


def topic_specs(settings: KafkaSettings) -> list[TopicSpec]:
    names = TopicNames(settings.topic_prefix)
    return [
        TopicSpec(names.requests, settings.requests_partitions, {}),
        TopicSpec(names.fetch, settings.fetch_partitions, {}),
        TopicSpec(names.entities, settings.entities_partitions, dict(_RETAINED)),
        TopicSpec(names.events, settings.events_partitions, dict(_RETAINED)),
        TopicSpec(names.dead_letters, 1, dict(_RETAINED)),
    ]


def ensure_topics(bootstrap: str, settings: KafkaSettings, timeout: float = 15.0) -> None:
    """Create missing topics; existing ones are left as they are.

    Through aiokafka's admin client, which the worker loads anyway for Faust:
    librdkafka would add ~6 MB to the worker's RSS for this one call at start-up.
    """
    asyncio.run(_ensure_topics(bootstrap, settings, timeout))


async def _ensure_topics(bootstrap: str, settings: KafkaSettings, timeout: float) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import KafkaError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        try:
            await admin.start()
            existing = set(await admin.list_topics())
        except (KafkaError, OSError) as exc:
            raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
        wanted = [spec for spec in topic_specs(settings) if spec.name not in existing]
        if not wanted:
            return
        response = await admin.create_topics(
            [
                NewTopic(
                    spec.name,
                    spec.partitions,
                    settings.replication_factor,
                    topic_configs=spec.config,
                )
                for spec in wanted
            ],
            timeout_ms=int(timeout * 1000),
        )
        for name, code, message in response.topic_errors:
            if code not in (0, _TOPIC_ALREADY_EXISTS):
                raise BrokerError(f"cannot create topic {name}: {message or f'error {code}'}")
            if code == 0:
                log.info("created topic %s", name)
    finally:
        await admin.close()
