"""The loop monitor measures how long the event loop was held, keeps the longest, warns past
100 ms."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from notion_sync.core.loop_monitor import LoopMonitor
from notion_sync.core.metrics import REGISTRY

BLOCK = 0.25  # seconds the test holds the loop: the thing measured


def _wake_ups() -> float:
    return REGISTRY.get_sample_value("notion_sync_event_loop_stall_seconds_count") or 0.0


async def test_a_blocked_loop_is_measured_and_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    monitor = LoopMonitor(interval=0.02, threshold=0.1)
    before = _wake_ups()
    sleeper = asyncio.create_task(monitor.once())
    await asyncio.sleep(0)  # the monitor is asleep now
    with caplog.at_level(logging.WARNING, logger="notion_sync.core.loop_monitor"):
        time.sleep(BLOCK)  # a blocking call on the loop
        await sleeper
    # It fell asleep before the block began and woke after it ended, due `interval` after.
    assert BLOCK - monitor.interval <= monitor.longest < BLOCK + 1.0
    assert monitor.stalls == 1
    assert _wake_ups() == before + 1
    assert REGISTRY.get_sample_value(
        "notion_sync_event_loop_longest_stall_seconds"
    ) == pytest.approx(monitor.longest)
    [warning] = caplog.records
    assert warning.getMessage().startswith(
        f"the event loop stalled for {monitor.longest * 1000:.0f} ms ("
    )


def test_the_longest_stall_is_kept_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    monitor = LoopMonitor(threshold=0.1)
    with caplog.at_level(logging.INFO, logger="notion_sync.core.loop_monitor"):
        for late, cpu in ((0.05, 0.05), (0.3, 0.01), (0.12, 0.11), (-0.001, 0.0)):
            monitor.record(late, cpu)  # the last: a timer may fire a hair early
        monitor.report()
    assert monitor.longest == 0.3
    assert (monitor.stalls, monitor.samples) == (2, 4)
    assert [r.getMessage() for r in caplog.records] == [
        "the event loop stalled for 300 ms (10 ms on the CPU)",
        "the event loop stalled for 120 ms (110 ms on the CPU)",
        "longest event-loop stall: 300.0 ms (2 of 4 wake-ups 100 ms late or more)",
    ]
