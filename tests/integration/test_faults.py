"""Issue 6: exports finish under faults, and failures that cannot be survived are listed."""

from __future__ import annotations

from pathlib import Path

from notion_sync.kafka.codec import decode
from notion_sync.store.document import USERS_DOCUMENT_ID
from tests.fixtures.pipeline import PipelineFactory
from tests.fixtures.trees import expected_documents, missing_documents

FAST_RETRIES = {
    "NOTION_SYNC_NOTION__MAX_RETRIES": "10",
    "NOTION_SYNC_NOTION__BACKOFF_BASE": "0.05",
    "NOTION_SYNC_NOTION__BACKOFF_MAX": "0.5",
    "NOTION_SYNC_NOTION__BREAKER_THRESHOLD": "50",
}


def test_export_completes_under_5xx_latency_and_a_429_burst(
    pipeline_factory: PipelineFactory, out_dir: Path
) -> None:
    pipeline = pipeline_factory(
        pages=40,
        fault_rate=0.1,
        latency_ms=15,
        extra_env={
            **FAST_RETRIES,
            "NOTION_SYNC_NOTION__RATE": "30",
            "NOTION_SYNC_NOTION__BURST": "4",
        },
    )
    sandbox = pipeline.sandbox
    pipeline.start_worker()
    export_id = pipeline.request(out_dir, formats=("json", "markdown"))
    pipeline.wait(export_id, until=lambda view: view.fetched >= 5)
    sandbox.faults.script(status=429, count=4, retry_after=1)
    view = pipeline.wait(export_id)

    assert view.state == "completed", view
    assert view.failures == []
    manifest = sandbox.manifest()
    assert missing_documents(out_dir, manifest) == set()
    assert view.pages + view.data_sources == len(expected_documents(manifest))
    stats = sandbox.stats()
    assert stats["faults"] > 0, stats
    assert stats["rate_limited"] >= 1, stats
    assert stats["retry_after_violations"] == 0, stats
    assert view.rate_limited >= 1


def test_permanent_failure_is_dead_lettered_listed_and_the_export_completes(
    pipeline_factory: PipelineFactory, out_dir: Path
) -> None:
    pipeline = pipeline_factory(
        pages=20,
        extra_env={
            "NOTION_SYNC_NOTION__MAX_RETRIES": "2",
            "NOTION_SYNC_NOTION__BACKOFF_BASE": "0.01",
            "NOTION_SYNC_NOTION__BREAKER_THRESHOLD": "100",
            "NOTION_SYNC_NOTION__TASK_CONCURRENCY": "1",
            "NOTION_SYNC_NOTION__CONCURRENCY": "1",
        },
    )
    sandbox = pipeline.sandbox
    pipeline.start_worker()
    # Tasks run one at a time and the user list is the first: its request and both
    # retries fail, so that task fails for good.
    sandbox.faults.script(status=502, count=3)
    export_id = pipeline.request(out_dir, formats=("json",))
    view = pipeline.wait(export_id)

    assert view.state == "completed", view
    assert len(view.failures) == 1, view.failures
    failure = view.failures[0]
    assert "NotionUnavailable" in failure["reason"] and "502" in failure["reason"], failure
    dead = [
        decode(e.record["value"]).record
        for e in pipeline.events(pipeline.names.dead_letters)
        if e.record["topic"] == pipeline.names.fetch
    ]
    assert len(dead) == 1, dead
    assert dead[0]["object_id"] == failure["document_id"]
    letters = [e.record for e in pipeline.events(pipeline.names.dead_letters)]
    assert "502" in letters[0]["reason"]
    assert failure["document_id"] == USERS_DOCUMENT_ID
    # Everything else is there.
    assert missing_documents(out_dir, sandbox.manifest()) == set()


def test_pages_not_shared_are_skipped_with_the_reason_not_retried(
    pipeline_factory: PipelineFactory, out_dir: Path
) -> None:
    pipeline = pipeline_factory(pages=40)
    sandbox = pipeline.sandbox
    unshared = {p["id"] for p in sandbox.manifest()["pages"] if not p["shared"]}
    pipeline.start_worker()
    view = pipeline.wait(pipeline.request(out_dir, formats=("json",)))
    assert view.state == "completed", view
    skipped = {
        e.record["document_id"]: e.record["reason"]
        for e in pipeline.events()
        if e.name == "DocumentDone" and e.record["outcome"] == "skipped"
    }
    reachable_unshared = set(skipped)
    assert reachable_unshared, "the sandbox links to unshared pages; none were skipped"
    assert reachable_unshared <= unshared
    assert all("404" in reason and "object_not_found" in reason for reason in skipped.values())
    page_404s = sandbox.stats()["by_endpoint"]
    not_found = sum(
        count
        for endpoint, statuses in page_404s.items()
        for status, count in statuses.items()
        if str(status) == "404"
    )
    assert not_found == len(reachable_unshared), page_404s
    assert view.failures == []
