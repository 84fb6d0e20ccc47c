"""Consumer lag from committed and end offsets, and the gauge it sets (no broker needed)."""

from __future__ import annotations

from notion_sync.core.metrics import REGISTRY
from notion_sync.kafka.lag import PartitionLag, lag_of, publish


def test_lag_counts_from_the_committed_offset_or_the_oldest_kept() -> None:
    assert lag_of(committed=4, start=0, end=10) == 6
    assert lag_of(committed=10, start=0, end=10) == 0
    assert lag_of(committed=None, start=0, end=7) == 7  # nothing committed: all of it
    assert lag_of(committed=-1, start=3, end=7) == 4
    assert lag_of(committed=2, start=5, end=9) == 4  # retention dropped what was committed
    assert lag_of(committed=12, start=0, end=10) == 0  # an end reported short never goes < 0


def _gauge() -> dict[tuple[str, str], float]:
    return {
        (sample.labels["topic"], sample.labels["partition"]): sample.value
        for family in REGISTRY.collect()
        if family.name == "notion_sync_group_lag_messages"
        for sample in family.samples
    }


def test_publish_sets_exactly_the_partitions_read() -> None:
    publish([PartitionLag("t", 0, 4, 10, 6), PartitionLag("t", 1, None, 3, 3)])
    assert _gauge() == {("t", "0"): 6.0, ("t", "1"): 3.0}
    publish([PartitionLag("u", 0, 1, 1, 0)])
    assert _gauge() == {("u", "0"): 0.0}
    publish([])
    assert _gauge() == {}
