"""A fix for Faust's commit of out-of-order acks (agents with ``concurrency > 1``).

``Consumer._new_offset`` (faust-streaming 0.11) refuses to commit past a hole at the
head of the acked offsets with ``min(acked) - committed > 1``, but ``committed`` is the
next offset to read: with offset 4 still in flight and 5, 6, 7 acked it commits 8, and
the in-flight message is lost when the worker stops or dies. This is the same
function with the off-by-one fixed (``> 0``), so an unfinished task is never committed.
"""

from __future__ import annotations

from typing import Any

from faust.transport.consumer import Consumer
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


def install() -> None:
    """Replace Faust's ``_new_offset`` (idempotent)."""
    Consumer._new_offset = _new_offset  # type: ignore[method-assign]
