"""How long the event loop stalls: a task that sleeps briefly and measures how late it wakes.

Everything a worker does shares one event loop: Kafka heartbeats and polls, Notion
requests, the agents. A callback that blocks (a disk write, an fsync, a long
computation) delays all of them, and a stall longer than the session timeout costs
the worker its partitions. Lateness after a short sleep is that delay as the loop
saw it, give or take one ``interval``. Each is observed in a histogram; the longest
is kept as a gauge and reported when the worker stops, and one past ``threshold`` is
logged as a warning with its length and the CPU the loop's thread used meanwhile (its
own work, or waiting). Pure asyncio, so any loop can be watched.
"""

from __future__ import annotations

import asyncio
import logging
import time

from notion_sync.core import metrics

__all__ = ["INTERVAL", "THRESHOLD", "LoopMonitor"]

log = logging.getLogger(__name__)

#: Seconds between wake-ups: a stall is measured to within this, at ~50 wake-ups a second.
INTERVAL = 0.02
#: A stall this long (seconds) is logged as it happens.
THRESHOLD = 0.1


class LoopMonitor:
    """Measures the running loop's stalls while :meth:`run` runs."""

    def __init__(self, *, interval: float = INTERVAL, threshold: float = THRESHOLD) -> None:
        self.interval = interval
        self.threshold = threshold
        self.longest = 0.0
        self.stalls = 0  # wake-ups at least ``threshold`` late
        self.samples = 0

    async def run(self) -> None:
        """Measure wake-up after wake-up, until cancelled."""
        while True:
            await self.once()

    async def once(self) -> None:
        """Sleep ``interval`` and record how late the wake-up came."""
        loop = asyncio.get_running_loop()
        asleep, cpu = loop.time(), time.thread_time()
        await asyncio.sleep(self.interval)
        self.record(loop.time() - asleep - self.interval, time.thread_time() - cpu)

    def record(self, late: float, cpu: float = 0.0) -> None:
        """One wake-up ``late`` seconds after it was due, the loop's thread having used
        ``cpu`` seconds meanwhile: near ``late``, its own work held it; far below, it waited
        (a blocking call, the GIL, or a machine with no core to spare)."""
        late = max(late, 0.0)
        self.samples += 1
        metrics.LOOP_STALL.observe(late)
        if late > self.longest:
            self.longest = late
            metrics.LOOP_LONGEST_STALL.set(late)
        if late >= self.threshold:
            self.stalls += 1
            log.warning(
                "the event loop stalled for %.0f ms (%.0f ms on the CPU)", late * 1000, cpu * 1000
            )

    def report(self) -> None:
        """Log the longest stall seen (at shutdown)."""
        log.info(
            "longest event-loop stall: %.1f ms (%d of %d wake-ups %.0f ms late or more)",
            self.longest * 1000,
            self.stalls,
            self.samples,
            self.threshold * 1000,
        )
