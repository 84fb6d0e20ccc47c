"""The Faust application: only its construction, from settings, never at import time."""

from __future__ import annotations

import faust

from notion_sync.core.config import Settings
from notion_sync.kafka.connection import faust_credentials
from notion_sync.kafka.topics import group_id
from notion_sync.store.chunks import CHUNK_BYTES

__all__ = ["COMMIT_INTERVAL", "LIVELOCK_TIMEOUT", "create_app"]

#: Seconds between offset commits: the work a crash makes the worker do again, beside
#: the tasks in flight.
COMMIT_INTERVAL = 1.0

#: Seconds a partition may go without a commit before Faust calls it a livelock. Every task
#: of an integration is on one partition and commits wait for the oldest one, and at
#: Notion's ~3 requests a second one very large page takes many minutes: Faust's 300 s
#: would print "report as bug" errors on a healthy export.
LIVELOCK_TIMEOUT = 4 * 3600.0


def create_app(settings: Settings, bootstrap: str, *, embedded: bool) -> faust.App:
    """Build the app. Embedded mode uses short group timeouts: Tansu's coordinator waits
    half the rebalance timeout before the first assignment."""
    kafka = settings.kafka
    session, rebalance, heartbeat = (
        (6.0, 6.0, 1.0)
        if embedded
        else (kafka.session_timeout, kafka.rebalance_timeout, kafka.heartbeat_interval)
    )
    return faust.App(
        group_id(kafka.topic_prefix),
        broker=f"kafka://{bootstrap}",
        broker_credentials=faust_credentials(kafka.security),
        store="memory://",
        datadir=str(settings.worker.state_dir),  # the per-document tables' files: tabledir
        key_serializer="raw",
        value_serializer="raw",
        autodiscover=False,
        web_enabled=False,
        topic_partitions=kafka.topics.export_events.partitions,
        topic_replication_factor=kafka.replication_factor,
        topic_allow_declare=True,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=session,
        broker_rebalance_timeout=rebalance,
        broker_heartbeat_interval=heartbeat,
        broker_commit_every=100,
        broker_commit_interval=COMMIT_INTERVAL,
        broker_commit_livelock_soft_timeout=LIVELOCK_TIMEOUT,
        producer_acks=-1,
        # Retained topics live in the embedded broker's memory. zstd: aiokafka's gzip is
        # level 9, ~140 ms of the loop per megabyte batch; zstd takes a few ms.
        producer_compression_type="zstd",
        stream_wait_empty=False,
        # Memory stays flat only if prefetch is bounded: Faust's defaults buffer 4,096
        # events per stream and 4 MB per partition. A partition's fetch holds one entity
        # chunk at least, whatever the size; 1 MB cost ~4 MB more at the peak.
        stream_buffer_maxsize=64,
        broker_max_poll_records=64,
        consumer_max_fetch_size=CHUNK_BYTES,
        table_cleanup_interval=3600.0,
    )
