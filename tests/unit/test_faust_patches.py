"""The adaptations of Faust's internals: each still fits the upstream code it was checked
against, and does what upstream would not, without a broker."""

from __future__ import annotations

import hashlib
import inspect

import faust
import pytest
from aiokafka import AIOKafkaConsumer
from faust.events import Event
from faust.tables.recovery import Recovery
from faust.transport.consumer import Consumer, ThreadDelegateConsumer
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.types import TP
from faust.types.tuples import Message

from notion_sync.kafka import faust_patches
from notion_sync.kafka.faust_patches import (
    ATTRIBUTES,
    UPSTREAM,
    Upstream,
    _new_offset,
    _on_recovery_completed,
    _upstream_new_offset,
    _upstream_recovery_completed,
    ack_by_hand,
    never_committed,
)
from notion_sync.kafka.highwater import TrueEnds, true_end_offsets

_DISTRIBUTIONS = {"faust": "faust-streaming", "aiokafka": "aiokafka"}
TASKS = TP("fetch-tasks", 0)


def _app() -> faust.App:
    """An app that is never started: nothing here talks to a broker."""
    return faust.App(
        "faust-patches-test",
        broker="kafka://localhost:1",
        store="memory://",
        autodiscover=False,
        web_enabled=False,
    )


@pytest.mark.parametrize("upstream", UPSTREAM, ids=lambda u: u.function.__qualname__)
def test_each_upstream_function_is_the_one_its_patch_was_checked_against(
    upstream: Upstream,
) -> None:
    function = upstream.function
    name = f"{function.__module__}.{function.__qualname__}"
    assert hasattr(faust_patches, upstream.patch), upstream
    digest = hashlib.sha256(inspect.getsource(function).encode()).hexdigest()
    assert digest == upstream.sha256, (
        f"{_DISTRIBUTIONS[function.__module__.partition('.')[0]]} changed {name}; "
        f"recheck patch {upstream.patch} in notion_sync/kafka/faust_patches.py, "
        f"then record its new sha256 {digest}"
    )


async def test_every_attribute_the_patches_use_exists() -> None:
    app = _app()
    objects = [
        app.consumer,
        getattr(app.consumer, "_thread", None),
        app.tables,
        app.Table("entries").data,
        app.stream([]),
        app.producer,
    ]
    for owner, attribute, patch in ATTRIBUTES:
        instance = next(o for o in objects if isinstance(o, owner))
        assert hasattr(instance, attribute), (
            f"faust-streaming has no {owner.__qualname__}.{attribute} any more; recheck {patch}"
        )


async def test_the_workers_consumer_runs_the_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    for owner, name in (
        (Consumer, "_new_offset"),
        (ThreadDelegateConsumer, "seek_to_committed"),
        (Recovery, "on_recovery_completed"),
        (AIOKafkaConsumerThread, "_highwaters"),
    ):
        monkeypatch.setattr(owner, name, getattr(owner, name))  # put back after the test
    upstream_highwaters = AIOKafkaConsumerThread._highwaters

    faust_patches.install("localhost:1", embedded=True)
    app = _app()
    driver = type(app.consumer)  # the aiokafka driver's consumer overrides none of them
    assert driver._new_offset is _new_offset
    assert driver.seek_to_committed is faust_patches._seek_to_committed
    assert type(app.tables.recovery).on_recovery_completed is _on_recovery_completed
    assert AIOKafkaConsumerThread._highwaters is not upstream_highwaters

    faust_patches.install("localhost:1", embedded=False)  # a Kafka cluster reports true ends
    assert AIOKafkaConsumerThread._highwaters is upstream_highwaters
    assert driver._new_offset is _new_offset


def _consumer_with(committed: int, acked: list[int]) -> Consumer:
    """A consumer as ``Consumer.ack`` leaves it: ``acked`` done, ``committed`` next to read."""
    consumer = _app().consumer
    consumer._committed_offset[TASKS] = committed
    consumer._acked[TASKS].extend(acked)
    consumer._acked_index[TASKS].update(acked)
    return consumer


async def test_nothing_past_a_task_in_flight_is_committed() -> None:
    # 4 is the next offset to read and its task still runs; 5, 6 and 7 are done.
    assert _upstream_new_offset(_consumer_with(4, [5, 6, 7]), TASKS) == 8  # 4 would be lost

    consumer = _consumer_with(4, [5, 6, 7])
    assert _new_offset(consumer, TASKS) is None
    consumer._acked[TASKS].append(4)
    consumer._acked_index[TASKS].add(4)
    assert _new_offset(consumer, TASKS) == 8
    assert consumer._acked[TASKS] == [] and consumer._acked_index[TASKS] == set()


async def test_commits_stop_at_the_first_hole_after_the_committed_offset() -> None:
    consumer = _consumer_with(4, [4, 5, 7, 8])  # 6 still runs
    assert _new_offset(consumer, TASKS) == 6
    assert consumer._acked[TASKS] == [7, 8]


async def test_offsets_never_delivered_count_as_done() -> None:
    consumer = _consumer_with(4, [4, 7])
    await consumer._add_gap(TASKS, 5, 6)  # 5 and 6 were compacted away
    assert _new_offset(consumer, TASKS) == 8


def test_only_stream_partitions_never_committed_are_sought_to_their_beginning() -> None:
    requests = [TP("export-requests", partition) for partition in range(3)]
    changelog = TP("notion-sync-ledger-exports-changelog", 0)
    committed = {requests[0]: 12, requests[1]: None, requests[2]: 1, changelog: None}
    assert never_committed(committed, {changelog.topic}) == [requests[1]]
    assert never_committed({requests[0]: 12}, set()) == []


async def test_the_flow_is_stopped_before_faust_completes_a_recovery() -> None:
    async def flow_when_faust_completes(completion: object) -> tuple[bool, bool]:
        app = _app()
        consumer = app.consumer
        # Unstarted, so its assignment is empty: the recovery has nothing to seek.
        consumer._thread._consumer = AIOKafkaConsumer(bootstrap_servers="localhost:1")
        app.flow_control.resume()
        consumer.resume_flow()  # as while the tables recover
        seen: list[tuple[bool, bool]] = []

        async def on_rebalance_complete(sender: object, **_: object) -> None:
            seen.append((consumer.flow_active, app.flow_control.is_active()))

        app.on_rebalance_complete.connect(on_rebalance_complete)
        # A newer generation ends Faust's completion before it resumes anything.
        stale = app.consumer_generation_id + 1
        await completion(app.tables.recovery, stale)  # type: ignore[operator]
        assert seen, "Faust's completion no longer starts with on_rebalance_complete"
        return seen[0]

    # Upstream: events fetched during recovery flow on until the partitions are sought.
    assert await flow_when_faust_completes(_upstream_recovery_completed) == (True, True)
    assert await flow_when_faust_completes(_on_recovery_completed) == (False, False)


def _event(app: faust.App, offset: int) -> Event:
    message = Message(
        "entities", 0, offset, 0.0, 0, None, b"key", b"value", None, tp=TP("entities", 0)
    )
    message.generation_id = app.consumer_generation_id
    return Event(app, message.key, message.value, message.headers, message)


async def test_an_event_acked_by_hand_stays_unacked_until_the_agent_acks_it() -> None:
    async def first_acked(by_hand: bool) -> tuple[bool, bool]:
        """Whether the first event is acked once the agent asks for the second, and once
        the agent has acked it itself."""
        app = _app()
        app.flow_control.resume()
        channel = app.channel()
        stream = channel.stream()
        if by_hand:
            ack_by_hand(stream)
        first = _event(app, 4)
        await channel.put(first)
        await channel.put(_event(app, 5))
        try:
            async for event in stream.events():
                if event is not first:
                    acked_by_faust = first.message.acked
                    await stream.ack(first)
                    return acked_by_faust, first.message.acked
        finally:
            await stream.stop()
        raise AssertionError("the stream ended before its second event")

    # Faust acks an event as the agent asks for the next, whether it was done or not.
    assert await first_acked(by_hand=False) == (True, True)
    assert await first_acked(by_hand=True) == (False, True)


async def test_the_true_end_is_after_the_last_record_of_the_last_batch() -> None:
    one, burst, empty = (TP("ledger-exports-changelog", p) for p in range(3))
    ends = TrueEnds({one: 1, burst: 5, empty: 0})  # the last batch's base offset + 1
    assert ends.starts == {one: 0, burst: 4}  # an empty partition has nothing to read
    ends.read(burst, 16)
    assert not ends.complete(quiet=True)  # `one` has not answered yet
    ends.read(one, 0)
    assert not ends.complete(quiet=False)  # records came in this poll: more may follow
    assert ends.complete(quiet=True)
    assert ends.ends == {one: 1, burst: 17, empty: 0}

    # Nothing to read past an empty partition's end: no reader is started.
    assert await true_end_offsets("localhost:1", {empty: 0}) == {empty: 0}


def test_a_long_task_is_not_called_a_livelock() -> None:
    from notion_sync.core.config import Settings
    from notion_sync.streams.app import LIVELOCK_TIMEOUT, create_app

    app = create_app(Settings(), "127.0.0.1:9092", embedded=True)
    assert app.conf.broker_commit_livelock_soft_timeout == LIVELOCK_TIMEOUT >= 3600
