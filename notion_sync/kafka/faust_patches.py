"""Every adaptation of faust-streaming's and aiokafka's internals, and nothing else.

Each patch here replaces or wraps an upstream function, and each reliance reads or
sets something of Faust's that is not its documented API. :data:`UPSTREAM` records
the sha256 of every upstream function's source as it was when its patch was last
checked, and :data:`ATTRIBUTES` the attributes the patches use:
``tests/unit/test_faust_patches.py`` fails when either changes, so an upgrade of
faust-streaming (pinned below its next minor version) means rechecking the patch
named. Why each is needed, at length: docs/architecture.md, "What Faust needed".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Coroutine, Mapping, MutableMapping
from typing import Any, NamedTuple

import faust
from aiokafka import AIOKafkaConsumer
from faust.stores import memory
from faust.streams import Stream
from faust.tables.manager import TableManager
from faust.tables.recovery import Recovery
from faust.transport.consumer import Consumer, ThreadDelegateConsumer
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.transport.producer import Producer, ProducerBuffer
from faust.types import TP, StreamT
from faust.utils.functional import consecutive_numbers

from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.kafka.connection import PLAINTEXT
from notion_sync.kafka.highwater import true_end_offsets

__all__ = [
    "ATTRIBUTES",
    "UPSTREAM",
    "Upstream",
    "ack_by_hand",
    "flush_table_writes",
    "install",
    "keep_entries_in",
    "never_committed",
]

# The upstream functions, taken before install() replaces them.
_upstream_new_offset = Consumer._new_offset
_upstream_seek_to_committed = ThreadDelegateConsumer.seek_to_committed
_upstream_recovery_completed = Recovery.on_recovery_completed
_upstream_highwaters = AIOKafkaConsumerThread._highwaters


def _new_offset(self: Consumer, tp: TP) -> int | None:
    """Where to commit ``tp``: after the acked offsets that follow the committed one.

    Upstream refuses to commit past a hole at the head of the acked offsets with
    ``min(acked) - committed > 1``, but ``committed`` is the next offset to read:
    with 4 still in flight and 5, 6, 7 acked it commits 8, and the task at 4 is lost
    when the worker stops or dies. The same function with the off-by-one fixed.
    """
    acked = self._acked[tp]
    if not acked:
        return None
    max_offset = max(acked)
    gap_for_tp = self._gap[tp]
    if gap_for_tp:
        candidates = sorted(gap_for_tp.overlap(0, max_offset), key=lambda x: x.begin)
        if candidates:
            filled: list[int] = []
            for entry in candidates:
                filled.extend(range(entry.begin, entry.end))
            acked.extend(filled)
            gap_for_tp.chop(0, max(filled[-1], max_offset + 1))
    acked.sort()
    committed = self._committed_offset[tp]
    if committed is not None and min(acked) > committed:
        return None  # the next offset to read is not done yet
    batch = next(consecutive_numbers(acked))
    acked[: len(batch)] = []
    self._acked_index[tp].difference_update(batch)
    return int(batch[-1]) + 1


def never_committed(committed: Mapping[Any, int | None], changelogs: Collection[str]) -> list[Any]:
    """The stream partitions without a committed offset, which aiokafka does not seek.

    The recovery's own fetching moved them on, so they must be sought to their
    beginning, where ``auto_offset_reset="earliest"`` starts. Changelog partitions
    are the recovery's to seek.
    """
    return [tp for tp, offset in committed.items() if offset is None and tp.topic not in changelogs]


async def _seek_to_committed(self: ThreadDelegateConsumer) -> Mapping[TP, int]:
    """Seek to the committed offsets, and the partitions never committed to their beginning.

    While tables recover, the consumer goes on fetching the stream partitions and
    Faust drops what it fetched; an export request published before a worker with
    tables to restore joined was never planned.
    """
    committed: Mapping[Any, int | None] = await self._thread.seek_to_committed()
    unsought = never_committed(committed, self.app.tables.changelog_topics)
    if unsought:
        await self._thread.seek_to_beginning(*unsought)
    return committed  # type: ignore[return-value]


async def _on_recovery_completed(self: Recovery, generation_id: int = 0) -> None:
    """Stop the flow before Faust's own completion, which resumes it once the partitions
    are sought.

    Upstream resumes the stream partitions and only then seeks them, with the flow
    still running from the recovery: events from where the recovery's fetching had
    got to were processed first, so tasks ran twice and the sink met a
    DocumentComplete before its chunks.
    """
    self.app.consumer.stop_flow()
    self.app.flow_control.suspend()
    await _upstream_recovery_completed(self, generation_id)


_Highwaters = Callable[[AIOKafkaConsumerThread, list[TP]], Coroutine[Any, Any, Mapping[TP, int]]]


def _highwaters_reading_to_the_end(bootstrap: str, security: KafkaSecurity) -> _Highwaters:
    """The consumer's ``_highwaters``, which table recovery reads to, corrected by
    reading each partition's last batch on ``bootstrap`` (see ``highwater``)."""

    async def _highwaters(self: AIOKafkaConsumerThread, partitions: list[TP]) -> Mapping[TP, int]:
        reported = await _upstream_highwaters(self, partitions)
        return await true_end_offsets(bootstrap, reported, security=security)

    return _highwaters


def ack_by_hand(stream: StreamT[Any]) -> None:
    """Leave acking ``stream``'s events to the agent (``stream.ack``).

    Faust acks each event in a ``finally`` of the stream's iterator whenever
    ``enable_acks`` is set, so an event cut off by shutdown or a crash of the agent
    would be committed as done. Unacked, it is handed back and runs again after a
    restart.
    """
    stream.enable_acks = False


def keep_entries_in(
    store: memory.Store[Any, Any],
    data: MutableMapping[Any, Any],
    key_partitions: MutableMapping[Any, int],
) -> None:
    """Give Faust's memory store other mappings: its entries (``data``) and each key's
    partition (the private ``_key_partition``). Every method of ``memory.Store``
    reaches what it holds through these two mappings only."""
    store.data = data
    store._key_partition = key_partitions


async def flush_table_writes(app: faust.App) -> None:
    """Wait until the changelog messages that table writes queued are sent: a table
    write queues its message in the producer's buffer (``Producer.send_soon``), which
    Faust drains in the background."""
    await app.producer.buffer.flush()


class Upstream(NamedTuple):
    """An upstream function a patch here replaces or relies on, as last checked."""

    function: Callable[..., Any] | type
    sha256: str  # of ``inspect.getsource(function)``
    patch: str  # the name in this module to recheck when the function changes


UPSTREAM: tuple[Upstream, ...] = (
    Upstream(
        _upstream_new_offset,
        "1d2c7ea89a7ad4f1a216c1d51936e569162cd66bd56f889e13fd29c910b58eb0",
        "_new_offset",
    ),
    Upstream(
        _upstream_seek_to_committed,
        "f1d483b861b0328b4f0be90a4abc3f95063d52573c87db4a87b6016105f2b7de",
        "_seek_to_committed",
    ),
    Upstream(
        AIOKafkaConsumer.seek_to_committed,
        "f6cd85c8b70a4ccf7e862de24f6c5d985038eed3e140990f000aa4b52eda8d72",
        "never_committed",
    ),
    Upstream(
        _upstream_recovery_completed,
        "6ef567acf072e46da3fccbccc6d662371f634f622c3d510972d5df81f70ae3ac",
        "_on_recovery_completed",
    ),
    Upstream(
        _upstream_highwaters,
        "a7f4f97d9f32aca2777713e22671d70eae4b3ae51541bb09a90448ce83acefce",
        "_highwaters_reading_to_the_end",
    ),
    Upstream(
        Stream._py_aiter,
        "3a48ee257a65435b482d51edb74f2993a67867949b1ef89b49fea893769e0614",
        "ack_by_hand",
    ),
    Upstream(
        Stream._c_aiter,
        "fa44582a5882e9df5240199eabc475668bcd3c13b1816c45805dc746145b80bf",
        "ack_by_hand",
    ),
    Upstream(
        memory.Store,
        "83ceb1145af05eae126b5852b8bb1394c1264a6b360a8ad739bca07dcb9e1761",
        "keep_entries_in",
    ),
    Upstream(
        Producer.send_soon,
        "fcef15ab45623ff9cd884807a8afb5530b622c89e536b0fcac2ec9e3f965bf4f",
        "flush_table_writes",
    ),
    Upstream(
        ProducerBuffer.flush_atmost,
        "4966e8c5f9b42eb97abe3f93cbc9bc566a22bdea01ae5328c5a6593414820323",
        "flush_table_writes",
    ),
)

#: ``(owner, attribute, patch)``: what the patches read or set on Faust's objects beyond
#: its documented API.
ATTRIBUTES: tuple[tuple[type, str, str], ...] = (
    (Consumer, "_acked", "_new_offset"),
    (Consumer, "_acked_index", "_new_offset"),
    (Consumer, "_gap", "_new_offset"),
    (Consumer, "_committed_offset", "_new_offset"),
    (ThreadDelegateConsumer, "_thread", "_seek_to_committed"),
    (AIOKafkaConsumerThread, "seek_to_beginning", "_seek_to_committed"),
    (TableManager, "changelog_topics", "_seek_to_committed"),
    (Stream, "enable_acks", "ack_by_hand"),
    (memory.Store, "data", "keep_entries_in"),
    (memory.Store, "_key_partition", "keep_entries_in"),
    (Producer, "buffer", "flush_table_writes"),
)


def install(bootstrap: str, *, embedded: bool, security: KafkaSecurity = PLAINTEXT) -> None:
    """Install the patches (idempotent); recovery reads changelogs past the end the
    broker reports only on the embedded broker, where that end falls short."""
    Consumer._new_offset = _new_offset  # type: ignore[method-assign]
    ThreadDelegateConsumer.seek_to_committed = _seek_to_committed  # type: ignore[method-assign]
    Recovery.on_recovery_completed = _on_recovery_completed  # type: ignore[method-assign]
    if embedded:
        AIOKafkaConsumerThread._highwaters = _highwaters_reading_to_the_end(bootstrap, security)  # type: ignore[assignment]
    else:
        AIOKafkaConsumerThread._highwaters = _upstream_highwaters  # type: ignore[method-assign]
