"""Three fixes to where Faust (faust-streaming 0.11) starts reading after a rebalance.

Commits of out-of-order acks (agents with ``concurrency > 1``): ``Consumer._new_offset``
refuses to commit past a hole at the head of the acked offsets with
``min(acked) - committed > 1``, but ``committed`` is the next offset to read: with
offset 4 still in flight and 5, 6, 7 acked it commits 8, and the in-flight message is
lost when the worker stops or dies. :func:`_new_offset` is the same function with the
off-by-one fixed (``> 0``), so an unfinished task is never committed.

Partitions never committed: while tables recover, the consumer goes on fetching the
stream partitions and Faust drops what it fetched, then seeks each partition back to
its committed offset. A partition the group never committed is not sought at all, so
what was fetched during recovery is lost: an export request published before a worker
with tables to restore joins is never planned. :func:`_seek_to_committed` seeks those
partitions to their beginning, which is where ``auto_offset_reset="earliest"`` starts.

Events before the seek: once tables are recovered, Faust resumes the stream
partitions and then seeks them, with the flow still running from the recovery, so
events from where the recovery's fetching left off were processed first: tasks ran
twice, and the sink met a DocumentComplete before its chunks. :func:`_on_recovery_completed`
stops the flow first; Faust resumes it once the partitions are sought.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faust.tables.recovery import Recovery
from faust.transport.consumer import Consumer, ThreadDelegateConsumer
from faust.types import TP
from faust.utils.functional import consecutive_numbers

__all__ = ["install"]


def _new_offset(self: Any, tp: Any) -> int | None:
    acked: list[int] = self._acked[tp]
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


async def _seek_to_committed(self: ThreadDelegateConsumer) -> Mapping[TP, int]:
    committed: Mapping[Any, int | None] = await self._thread.seek_to_committed()
    changelogs = self.app.tables.changelog_topics  # sought by the recovery itself
    never_committed = [
        tp for tp, offset in committed.items() if offset is None and tp.topic not in changelogs
    ]
    if never_committed:
        await self._thread.seek_to_beginning(*never_committed)
    return committed  # type: ignore[return-value]


_faust_recovery_completed = Recovery.on_recovery_completed


async def _on_recovery_completed(self: Recovery, generation_id: int = 0) -> None:
    self.app.consumer.stop_flow()
    self.app.flow_control.suspend()
    await _faust_recovery_completed(self, generation_id)


def install() -> None:
    """Replace Faust's ``_new_offset``, ``seek_to_committed`` and ``on_recovery_completed``
    (idempotent)."""
    Consumer._new_offset = _new_offset  # type: ignore[method-assign]
    ThreadDelegateConsumer.seek_to_committed = _seek_to_committed  # type: ignore[method-assign]
    Recovery.on_recovery_completed = _on_recovery_completed  # type: ignore[method-assign]
