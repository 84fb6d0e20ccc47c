"""Publishing export requests: the producer behind ``notion-sync run`` and ``request``."""

from __future__ import annotations

from typing import Any

from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.kafka.codec import encode
from notion_sync.kafka.connection import PLAINTEXT, confluent_options

__all__ = ["publish_request"]


def publish_request(
    bootstrap: str,
    topic: str,
    request: dict[str, Any],
    timeout: float = 15.0,
    *,
    security: KafkaSecurity = PLAINTEXT,
) -> None:
    """Publish a request (keyed by export id) and wait until the broker has it."""
    from confluent_kafka import KafkaException, Producer

    from notion_sync.core.errors import BrokerError

    errors: list[str] = []  # why the request was not delivered
    met: list[str] = []  # what the client met on the way, to explain a timeout
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "enable.idempotence": True,
            "log_level": 0,  # failures are reported once, below, not logged per attempt
            "error_cb": lambda err: met.append(str(err)),
            **confluent_options(security),
        }
    )

    def delivered(err: Any, _msg: Any) -> None:
        if err is not None:
            errors.append(str(err))

    try:
        producer.produce(
            topic,
            key=request["export_id"].encode(),
            value=encode("ExportRequested", request),
            on_delivery=delivered,
        )
        remaining = producer.flush(timeout)
    except KafkaException as exc:
        raise BrokerError(f"cannot publish to {topic} at {bootstrap}: {exc}") from exc
    if remaining or errors:
        raise BrokerError(
            f"the request was not acknowledged by Kafka at {bootstrap}: "
            + ("; ".join(errors) or "timed out" + (f" ({met[-1]})" if met else ""))
        )
