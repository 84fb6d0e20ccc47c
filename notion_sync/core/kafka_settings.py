"""``kafka.*`` settings: where the cluster is, how every client logs in to it, and how
each topic is laid out. One place, so the workers, the producers, the readers and the
generated reference all read the same words."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from notion_sync.core.errors import ConfigError
from notion_sync.core.setting_types import AtLeastOne, Positive, Secret, about

__all__ = [
    "DAY_MS",
    "SASL_PROTOCOLS",
    "TLS_PROTOCOLS",
    "KafkaSecurity",
    "KafkaSettings",
    "TopicSettings",
    "TopicsSettings",
    "parse_broker_url",
]

DAY_MS = 24 * 3600 * 1000
#: ``retention.ms`` / ``retention.bytes`` of -1: kept until deleted.
Retention = Annotated[int, msgspec.Meta(ge=-1)]


class TopicSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One topic's layout and retention: used when notion-sync creates the topic, and
    compared with the topic as it is at every start (a wrong partition count stops a
    worker, other differences are logged)."""

    partitions: Annotated[AtLeastOne, about("partitions")] = 6
    replication_factor: Annotated[
        AtLeastOne | None, about("replicas; unset: `kafka.replication_factor`")
    ] = None
    retention_ms: Annotated[
        Retention, about("`retention.ms`: how long records are kept; -1: until deleted")
    ] = 7 * DAY_MS
    retention_bytes: Annotated[
        Retention,
        about("`retention.bytes`: bytes kept per partition before the oldest go; -1: no cap"),
    ] = -1
    cleanup_policy: Annotated[
        Literal["delete", "compact", "compact,delete"], about("`cleanup.policy`")
    ] = "delete"
    compression_type: Annotated[
        Literal["producer", "zstd", "lz4", "snappy", "gzip", "uncompressed"],
        about("`compression.type`: `producer` keeps what the writer sent (workers send zstd)"),
    ] = "producer"


class RequestsTopic(TopicSettings, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """export-requests: read once by a planner, so a week covers any outage."""

    partitions: Annotated[AtLeastOne, about("partitions of export-requests")] = 3


class FetchTopic(TopicSettings, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """fetch-tasks: a work queue; a week covers any outage."""

    partitions: Annotated[
        AtLeastOne, about("partitions of fetch-tasks: at most this many integrations at once")
    ] = 6


class EntitiesTopic(TopicSettings, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """entities: workspace content, which ``replay`` re-renders without Notion; kept for a
    month, not for ever, unless asked (``retention_ms: -1``)."""

    partitions: Annotated[AtLeastOne, about("partitions of entities")] = 12
    retention_ms: Annotated[
        Retention,
        about("how long fetched content stays replayable, ms (30 days); -1: until deleted"),
    ] = 30 * DAY_MS


class EventsTopic(TopicSettings, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """export-events: what ``status`` and ``replay`` know of each export; kept as long as
    the entities it describes."""

    partitions: Annotated[
        AtLeastOne, about("partitions of export-events and of the tables' changelogs")
    ] = 6
    retention_ms: Annotated[
        Retention,
        about("how long exports stay listed and replayable, ms (30 days); -1: until deleted"),
    ] = 30 * DAY_MS


class DeadLettersTopic(TopicSettings, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """dead-letters: for an operator to look at, so a month."""

    partitions: Annotated[AtLeastOne, about("partitions of dead-letters")] = 1
    retention_ms: Annotated[
        Retention, about("how long dead letters are kept, ms (30 days); -1: until deleted")
    ] = 30 * DAY_MS


class TopicsSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Each topic's settings, by topic name without the prefix (``-`` written ``_``)."""

    export_requests: RequestsTopic = msgspec.field(default_factory=RequestsTopic)
    fetch_tasks: FetchTopic = msgspec.field(default_factory=FetchTopic)
    entities: EntitiesTopic = msgspec.field(default_factory=EntitiesTopic)
    export_events: EventsTopic = msgspec.field(default_factory=EventsTopic)
    dead_letters: DeadLettersTopic = msgspec.field(default_factory=DeadLettersTopic)


SASL_PROTOCOLS = ("SASL_PLAINTEXT", "SASL_SSL")
TLS_PROTOCOLS = ("SSL", "SASL_SSL")


class KafkaSecurity(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How every Kafka client of the process encrypts and authenticates: one block, so the
    workers, the producers and the admin client can never disagree. The password is a
    ``Secret`` or a file read when a client is built, so no repr or log line holds it."""

    protocol: Annotated[
        Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"],
        about("`security.protocol`: SSL encrypts, SASL_* authenticates (SASL_SSL: both)"),
    ] = "PLAINTEXT"
    sasl_mechanism: Annotated[
        Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None,
        about("the SASL mechanism; required with SASL_PLAINTEXT and SASL_SSL"),
    ] = None
    username: Annotated[str | None, about("the SASL user (an API key on Confluent Cloud)")] = None
    password: Annotated[
        Secret | None,
        about("the SASL password; prefer the environment variable or `password_file`"),
    ] = None
    password_file: Annotated[
        Path | None, about("a file holding the SASL password (a mounted secret), read per client")
    ] = None
    ca_file: Annotated[
        Path | None, about("PEM CA bundle to verify the brokers; unset: the system's CAs")
    ] = None
    cert_file: Annotated[
        Path | None, about("PEM client certificate, for brokers that authenticate by TLS")
    ] = None
    key_file: Annotated[Path | None, about("PEM private key of `cert_file`, unencrypted")] = None
    check_hostname: Annotated[
        bool, about("verify that the broker's certificate names the host connected to")
    ] = True

    def problem(self, broker: str | None) -> tuple[str, str] | None:
        """The first combination that cannot work, as (key, what to do); None if none."""
        sasl, tls = self.protocol in SASL_PROTOCOLS, self.protocol in TLS_PROTOCOLS
        if self.protocol != "PLAINTEXT" and broker is None:
            return "protocol", (
                f"{self.protocol} needs kafka.broker: the embedded broker speaks PLAINTEXT only"
            )
        if sasl:
            if self.sasl_mechanism is None:
                return "sasl_mechanism", (
                    f"{self.protocol} needs a mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"
                )
            if not self.username:
                return "username", f"{self.protocol} needs the SASL username"
            if (self.password is None) == (self.password_file is None):
                return "password", (
                    f"{self.protocol} needs exactly one of password and password_file"
                )
        else:
            extra = [
                key
                for key in ("sasl_mechanism", "username", "password", "password_file")
                if getattr(self, key) is not None
            ]
            if extra:
                return extra[0], (
                    f"only used with SASL_PLAINTEXT or SASL_SSL, and protocol is {self.protocol}"
                )
        files = {"ca_file": self.ca_file, "cert_file": self.cert_file, "key_file": self.key_file}
        if not tls and any(files.values()):
            key = next(key for key, path in files.items() if path is not None)
            return key, f"TLS files need protocol SSL or SASL_SSL, and protocol is {self.protocol}"
        if (self.cert_file is None) != (self.key_file is None):
            return "key_file" if self.key_file is None else "cert_file", (
                "a client certificate needs both cert_file and key_file"
            )
        for key, path in {**files, "password_file": self.password_file}.items():
            if path is not None and not (path.is_file() and os.access(path, os.R_OK)):
                return key, f"{str(path)!r} is not a readable file"
        return None


class KafkaSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Where the topics live and how they are laid out."""

    broker: Annotated[
        str | None, about("the cluster, `kafka://HOST:PORT[,HOST:PORT]`; unset or empty: embedded")
    ] = None
    security: KafkaSecurity = msgspec.field(default_factory=KafkaSecurity)
    topic_prefix: Annotated[
        str,
        msgspec.Meta(pattern=r"^[A-Za-z0-9._-]+$"),
        about("topics are named `<prefix>.export-requests`, `<prefix>.fetch-tasks`, …"),
    ] = "notion-sync"
    replication_factor: Annotated[
        AtLeastOne,
        about("replicas of every topic created, changelogs included; 3 on a real cluster"),
    ] = 1
    topics: TopicsSettings = msgspec.field(default_factory=TopicsSettings)
    session_timeout: Annotated[
        Positive, about("consumer-group session timeout, seconds (embedded broker: 6)")
    ] = 30.0
    rebalance_timeout: Annotated[
        Positive, about("consumer-group rebalance timeout, seconds (embedded broker: 6)")
    ] = 60.0
    heartbeat_interval: Annotated[
        Positive, about("consumer heartbeat interval, seconds (embedded broker: 1)")
    ] = 3.0


def parse_broker_url(url: str) -> str:
    """``kafka://h1:9092,h2:9092``, ``h1:9092,h2:9092`` or ``kafka://h1:9092,kafka://h2:9092``
    → a bootstrap servers string.

    A scheme never chooses TLS or SASL (``kafka+ssl://``, ``SASL_SSL://``): that is
    ``kafka.security.protocol``, the one place every client reads it from, so a URL that
    tries is refused rather than quietly connected in plain text.
    """
    servers = []
    for part in url.split(","):
        scheme, sep, server = part.strip().rpartition("://")
        if sep and scheme.lower() not in ("kafka", "tcp"):
            raise ConfigError(
                f"broker URL {url!r}: unknown scheme {scheme + '://'!r}; "
                "use kafka://HOST:PORT[,HOST:PORT…] and choose TLS or SASL with "
                "kafka.security.protocol (NOTION_SYNC_KAFKA__SECURITY__PROTOCOL)"
            )
        server = server.strip().rstrip("/")
        if not server:
            continue
        host, colon, port = server.rpartition(":")
        if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(
                f"broker URL {url!r}: {server!r} is not HOST:PORT (kafka://HOST:PORT)"
            )
        servers.append(server)
    if not servers:
        raise ConfigError(f"broker URL {url!r} is empty; use kafka://HOST:PORT")
    return ",".join(servers)
