"""Prometheus metrics of a worker, named by Prometheus conventions (base units, ``_total``).

Defined once here so every module increments the same series and ``/metrics``
describes the whole worker.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = [
    "BLOCKS_FETCHED",
    "CIRCUIT_STATE",
    "CONSUMER_LAG",
    "DEAD_LETTERS",
    "DOCUMENTS_EXPORTED",
    "EXPORTS",
    "EXPORT_DURATION",
    "FILES_DOWNLOADED",
    "FILE_BYTES",
    "GROUP_LAG",
    "LIMITER_TOKENS",
    "LIMITER_WAIT",
    "LOOP_LONGEST_STALL",
    "LOOP_STALL",
    "NOTION_REQUESTS",
    "RATE_LIMITED",
    "REGISTRY",
    "RETRIES",
    "RETRY_AFTER_WAIT",
    "TASKS_IN_FLIGHT",
    "TRACKED_DOCUMENTS",
]

REGISTRY = CollectorRegistry(auto_describe=True)

NOTION_REQUESTS = Counter(
    "notion_sync_notion_requests_total",
    "Requests sent to the Notion API, by endpoint and HTTP status.",
    ["endpoint", "status"],
    registry=REGISTRY,
)
RATE_LIMITED = Counter(
    "notion_sync_rate_limited_total",
    "429 rate_limited answers received from Notion.",
    registry=REGISTRY,
)
RETRY_AFTER_WAIT = Counter(
    "notion_sync_retry_after_wait_seconds_total",
    "Seconds spent waiting because Notion asked us to (Retry-After).",
    registry=REGISTRY,
)
RETRIES = Counter(
    "notion_sync_retries_total",
    "Requests retried after a retryable failure, by error class.",
    ["reason"],
    registry=REGISTRY,
)
CIRCUIT_STATE = Gauge(
    "notion_sync_circuit_state",
    "Circuit breaker state per integration: 0 closed, 1 half-open, 2 open.",
    ["integration"],
    registry=REGISTRY,
)
LIMITER_TOKENS = Gauge(
    "notion_sync_rate_limiter_tokens",
    "Tokens currently available in the integration's bucket.",
    ["integration"],
    registry=REGISTRY,
)
LIMITER_WAIT = Counter(
    "notion_sync_rate_limiter_wait_seconds_total",
    "Seconds requests waited for a rate-limiter token.",
    ["integration"],
    registry=REGISTRY,
)
TASKS_IN_FLIGHT = Gauge(
    "notion_sync_tasks_in_flight",
    "Fetch tasks being worked on by this worker.",
    registry=REGISTRY,
)
DOCUMENTS_EXPORTED = Counter(
    "notion_sync_documents_exported_total",
    "Documents written, by format.",
    ["format"],
    registry=REGISTRY,
)
BLOCKS_FETCHED = Counter(
    "notion_sync_blocks_fetched_total",
    "Blocks read from Notion.",
    registry=REGISTRY,
)
FILES_DOWNLOADED = Counter(
    "notion_sync_files_downloaded_total",
    "Notion-hosted files downloaded into the content-addressed store.",
    registry=REGISTRY,
)
FILE_BYTES = Counter(
    "notion_sync_file_bytes_total",
    "Bytes of files downloaded.",
    registry=REGISTRY,
)
EXPORT_DURATION = Histogram(
    "notion_sync_export_duration_seconds",
    "Wall time from export start to completion.",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600),
    registry=REGISTRY,
)
EXPORTS = Counter(
    "notion_sync_exports_total",
    "Exports finished, by outcome (completed, failed).",
    ["outcome"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "notion_sync_dead_letters_total",
    "Messages sent to the dead-letter topic, by source topic.",
    ["topic"],
    registry=REGISTRY,
)
TRACKED_DOCUMENTS = Gauge(
    "notion_sync_tracked_documents",
    "Per-document entries held in the worker's tables; back to 0 once exports end.",
    ["table"],
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "notion_sync_consumer_lag_messages",
    "Messages behind the end of each assigned partition.",
    ["topic", "partition"],
    registry=REGISTRY,
)
GROUP_LAG = Gauge(
    "notion_sync_group_lag_messages",
    "Messages the workers' group has still to read, per partition, as the broker reports it "
    "(committed offset against end offset); every worker reports every partition.",
    ["topic", "partition"],
    registry=REGISTRY,
)
LOOP_STALL = Histogram(
    "notion_sync_event_loop_stall_seconds",
    "How late the event loop woke from a short sleep: time it was held by something else.",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
LOOP_LONGEST_STALL = Gauge(
    "notion_sync_event_loop_longest_stall_seconds",
    "The longest event-loop stall since the worker started.",
    registry=REGISTRY,
)
