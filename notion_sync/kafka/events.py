"""Sending Avro events from agents, and sending what cannot be processed to the dead letters."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import faust
from faust.types import EventT, StreamT

from notion_sync.core import metrics
from notion_sync.core.errors import SchemaError
from notion_sync.core.records import Event, ExportEvent
from notion_sync.kafka.codec import Decoded, decode, encode, encode_event
from notion_sync.kafka.faust_patches import ack_by_hand
from notion_sync.kafka.topics import TopicNames

__all__ = ["Emitter", "now_ms"]

log = logging.getLogger(__name__)


def now_ms() -> int:
    return int(time.time() * 1000)


class Emitter:
    """The agents' only way to write: encodes with our schemas, keys as the design says."""

    def __init__(self, app: faust.App, names: TopicNames) -> None:
        self.names = names
        self.requests = app.topic(names.requests)
        self.fetch = app.topic(names.fetch)
        self.entities = app.topic(names.entities)
        self.events = app.topic(names.events)
        self.dead_letters = app.topic(names.dead_letters)

    async def send_all(
        self, topic: faust.TopicT, messages: Iterable[tuple[str, str, dict[str, Any]]]
    ) -> None:
        """Send ``(key, event name, record)`` messages and wait until Kafka has them all.

        Waiting matters: a document must be owed in export-events before its fetch
        task can run, or the ledger could see it finish before it was owed.
        """
        futures = [
            await topic.send(key=key.encode(), value=encode(name, record))
            for key, name, record in messages
        ]
        for future in futures:
            await future

    async def send(self, topic: faust.TopicT, key: str, name: str, record: dict[str, Any]) -> None:
        await self.send_all(topic, [(key, name, record)])

    async def event(self, export_id: str, name: str, record: dict[str, Any]) -> None:
        await self.send(self.events, export_id, name, record)

    async def publish(self, topic: faust.TopicT, events: Iterable[tuple[str, Event]]) -> None:
        """Send typed ``(key, event)`` messages and wait until Kafka has them all."""
        futures = [
            await topic.send(key=key.encode(), value=encode_event(event)) for key, event in events
        ]
        for future in futures:
            await future

    async def announce(self, event: ExportEvent) -> None:
        """Send a typed event to export-events, keyed by its export, and wait for the ack."""
        await self.publish(self.events, [(event.export_id, event)])

    async def dead_letter(self, event: EventT, reason: str, error: BaseException | str) -> None:
        message = event.message
        error_type = error if isinstance(error, str) else type(error).__name__
        record = {
            "topic": message.topic,
            "partition": message.partition,
            "offset": message.offset,
            "key": message.key if isinstance(message.key, bytes) else None,
            "value": message.value if isinstance(message.value, bytes) else None,
            "reason": reason,
            "error_type": error_type,
            "at": now_ms(),
        }
        # Wait for the ack: the offset of a poison message is committed once it is
        # durable on the dead-letter topic, like any other work.
        sent = await self.dead_letters.send(key=message.key, value=encode("DeadLetter", record))
        await sent
        metrics.DEAD_LETTERS.labels(message.topic).inc()
        log.warning(
            "dead letter from %s[%s]@%s: %s",
            message.topic,
            message.partition,
            message.offset,
            reason,
        )

    async def decoded(
        self, stream: StreamT[bytes], expected: Iterable[str], *, report_poison: bool = True
    ) -> AsyncIterator[tuple[EventT, Decoded]]:
        """Decode each event; a poison message goes to the dead letters and the stream goes on.

        Only one agent per topic reports poison (``report_poison``), so a bad message
        is dead-lettered once however many agents read the topic. The agent yields to the
        event loop after each event: a stream whose buffer is full never suspends on its
        own, and a few hundred buffered events in one step would hold up every heartbeat,
        HTTP response and Kafka send behind them.
        """
        wanted = frozenset(expected)
        # Ack by hand, once an event is processed: one interrupted is handed back.
        ack_by_hand(stream)
        async for event in stream.events():
            try:
                decoded = decode(event.value)
            except SchemaError as exc:
                if report_poison:
                    await self.dead_letter(event, f"undecodable: {exc}", exc)
                await stream.ack(event)
                continue
            if decoded.name not in wanted:
                if report_poison:
                    await self.dead_letter(
                        event,
                        f"unexpected {decoded.name} on {event.message.topic}; "
                        f"expected {', '.join(sorted(wanted))}",
                        "UnexpectedEvent",
                    )
                await stream.ack(event)
                continue
            yield event, decoded
            await stream.ack(event)
            await asyncio.sleep(0)
