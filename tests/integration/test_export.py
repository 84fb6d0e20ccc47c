"""Issue 4: the pipeline end to end on a real broker, against the sandbox."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from confluent_kafka.admin import AdminClient
from prometheus_client.parser import text_string_to_metric_families

from notion_sync.kafka.topic_reader import read_topic
from notion_sync.store.documents import STATE_DIR, DocumentStore
from tests.fixtures.pipeline import Pipeline, PipelineFactory
from tests.integration.probes import free_port, get, poll


def _expected(manifest: dict[str, Any]) -> tuple[set[str], set[str]]:
    pages = {p["id"] for p in manifest["pages"] if p["shared"] and not p["in_trash"]}
    sources = {d["id"] for d in manifest["data_sources"] if d.get("shared", True)}
    return pages, sources


def _listed(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every result of a paginated GET, as the sandbox serves it."""
    results: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "page_size": 100, **({"start_cursor": cursor} if cursor else {})}
        page = client.get(path, params=query).json()
        results.extend(page["results"])
        if not page["has_more"]:
            return results
        cursor = page["next_cursor"]


def _served_tree(client: httpx.Client, block_id: str) -> list[dict[str, Any]]:
    blocks = _listed(client, f"/v1/blocks/{block_id}/children")
    for block in blocks:
        if block["has_children"] and block["type"] not in ("child_page", "child_database"):
            block["children"] = _served_tree(client, block["id"])
    return blocks


@pytest.mark.parametrize("kafka_broker", ["default", "apache-kafka"], indirect=True)
def test_export_is_complete_and_equals_what_notion_served(
    pipeline_factory: PipelineFactory, out_dir: Path
) -> None:
    pipeline = pipeline_factory(pages=60)
    pipeline.start_worker()
    export_id = pipeline.request(out_dir, formats=("json", "markdown"))
    view = pipeline.wait(export_id)
    assert view.state == "completed", view

    manifest = pipeline.sandbox.manifest()
    pages, sources = _expected(manifest)
    store = DocumentStore(out_dir / STATE_DIR)
    stored = {entry["id"]: entry["kind"] for entry in store.entries()}
    assert {i for i, k in stored.items() if k == "page"} == pages
    assert {i for i, k in stored.items() if k == "data_source"} == sources
    assert view.pages == len(pages)
    assert view.data_sources == len(sources)
    assert view.written["json"] == len(pages) + len(sources) + 1  # and the user list
    assert view.written["markdown"] == len(pages) + len(sources)

    headers = {"Authorization": f"Bearer {pipeline.sandbox.token}", "Notion-Version": "2025-09-03"}
    with httpx.Client(base_url=pipeline.sandbox.base_url, headers=headers) as client:
        for page_id in sorted(pages):
            doc = store.get(page_id)
            assert doc is not None
            assert _without_signatures(doc["blocks"]) == _without_signatures(
                _served_tree(client, page_id)
            ), page_id
            served_page = client.get(f"/v1/pages/{page_id}").json()
            served_page.pop("request_id")  # response metadata, which the fetcher drops
            assert _without_signatures(doc["page"]) == _without_signatures(served_page)
            assert doc["comments"] == _listed(client, "/v1/comments", block_id=page_id)
        for source_id in sorted(sources):
            doc = store.get(source_id)
            assert doc is not None
            rows = client.post(f"/v1/data_sources/{source_id}/query", json={}).json()
            assert [row["id"] for row in doc["rows"]] == [row["id"] for row in rows["results"]]
            database_id = doc["data_source"]["parent"]["database_id"]
            served_database = client.get(f"/v1/databases/{database_id}").json()
            served_database.pop("request_id", None)
            assert _without_signatures(doc["database"]) == _without_signatures(served_database)

    # The JSON tree carries each data source's database, its hosted files as local copies.
    exported = [orjson.loads(p.read_bytes()) for p in (out_dir / "json").rglob("*.json")]
    databases = {d["id"]: d["database"] for d in exported if d["kind"] == "data_source"}
    assert set(databases) == sources
    hosted = [
        db[field]["file"]
        for db in databases.values()
        for field in ("icon", "cover")
        if (db.get(field) or {}).get("type") == "file"
    ]
    assert hosted and all(set(f) == {"url"} and "://" not in f["url"] for f in hosted)

    completions = [e for e in pipeline.events() if e.name in ("ExportCompleted", "ExportFailed")]
    assert [e.name for e in completions] == ["ExportCompleted"]


def _without_signatures(obj: Any) -> Any:
    """Signed file URLs differ on every response; everything else must be equal."""
    if isinstance(obj, dict):
        return {
            k: _without_signatures(v)
            for k, v in obj.items()
            if k not in ("url", "expiry_time") or not isinstance(v, str)
        }
    if isinstance(obj, list):
        return [_without_signatures(v) for v in obj]
    return obj


def _all_bytes(pipeline: Pipeline) -> list[bytes]:
    """Every key and value on every topic of this pipeline (changelogs included)."""
    admin = AdminClient({"bootstrap.servers": pipeline.broker.bootstrap, "log_level": 0})
    topics = [t for t in admin.list_topics(timeout=10).topics if pipeline.prefix in t]
    assert len(topics) >= 5
    chunks: list[bytes] = []
    for topic in topics:
        for _partition, _offset, key, value in read_topic(pipeline.broker.bootstrap, topic):
            chunks += [key or b"", value]
    return chunks


def test_no_token_on_any_topic(pipeline_factory: PipelineFactory, out_dir: Path) -> None:
    pipeline = pipeline_factory(pages=20)
    pipeline.start_worker()
    view = pipeline.wait(pipeline.request(out_dir, formats=("json",)))
    assert view.state == "completed"
    token = pipeline.sandbox.token.encode()
    everything = _all_bytes(pipeline)
    assert len(everything) > 100
    assert not [chunk for chunk in everything if token in chunk]
    worker_log = pipeline.workers[0].output()
    assert pipeline.sandbox.token not in worker_log


def test_two_workers_share_the_work_and_write_each_document_once(
    pipeline_factory: PipelineFactory, out_dir: Path
) -> None:
    pipeline = pipeline_factory(pages=40)
    first, second = pipeline.start_worker(), pipeline.start_worker()
    view = pipeline.wait(pipeline.request(out_dir, formats=("json",)))
    assert view.state == "completed"
    events = pipeline.events()
    done = Counter(
        e.record["document_id"]
        for e in events
        if e.name == "DocumentDone" and e.record["outcome"] == "assembled"
    )
    assert done and max(done.values()) == 1
    assert [e.name for e in events if e.name in ("ExportCompleted", "ExportFailed")] == [
        "ExportCompleted"
    ]
    assert "Assigned" in first.output() or "assigned" in first.output()
    assert second.process.poll() is None and first.process.poll() is None


def _latest_values(pipeline: Pipeline, topic: str) -> dict[bytes, bytes]:
    """The last value of every key on a changelog topic (empty bytes for a tombstone)."""
    return {
        key or b"": value
        for _partition, _offset, key, value in read_topic(pipeline.broker.bootstrap, topic)
    }


def test_ended_exports_leave_no_per_document_state(
    pipeline_factory: PipelineFactory, out_dir: Path
) -> None:
    """Memory must not grow with every export: the tables forget an export once it ends."""
    pipeline = pipeline_factory(pages=15)
    port = free_port()
    worker = pipeline.start_worker(NOTION_SYNC_WORKER__WEB_PORT=str(port))
    view = pipeline.wait(pipeline.request(out_dir, formats=("json",)))
    assert view.state == "completed"
    app_id = f"notion-sync-{pipeline.prefix}"
    planned = _latest_values(pipeline, f"{app_id}-fetch-planned-changelog")
    documents = _latest_values(pipeline, f"{app_id}-ledger-documents-changelog")
    assert len(planned) > 15 and len(documents) > 15  # the state existed while it ran

    def tracked() -> dict[str, float] | None:
        response = get(port, "/metrics")
        if response is None:
            return None
        sizes = {
            sample.labels["table"]: sample.value
            for family in text_string_to_metric_families(response.text)
            if family.name == "notion_sync_tracked_documents"
            for sample in family.samples
        }
        return sizes if sizes == {"ledger": 0.0, "planned": 0.0} else None

    assert poll(tracked, "tracked documents back to 0", alive=lambda: worker.process.poll() is None)


def test_the_listing_is_handed_on_a_search_page_per_task(
    pipeline_factory: PipelineFactory, out_dir: Path
) -> None:
    """No task holds the listing, and with it the fetch-tasks commits, for the whole export."""
    pipeline = pipeline_factory(pages=40, extra_env={"NOTION_SYNC_NOTION__SEARCH_PAGE_SIZE": "10"})
    pipeline.start_worker()
    export_id = pipeline.request(out_dir, formats=("json",))
    assert pipeline.wait(export_id).state == "completed"

    searches = pipeline.sandbox.stats()["by_endpoint"]["POST /v1/search"]["200"]
    manifest = pipeline.sandbox.manifest()
    listed = sum(p["shared"] and p["in_search"] for p in manifest["pages"]) + sum(
        d["shared"] for d in manifest["data_sources"]
    )
    assert searches == -(-listed // 10) >= 4  # each page listed once
    tasks = [
        e.record["cursor"]
        for e in pipeline.events(pipeline.names.fetch)
        if e.record["kind"] == "search" and e.record["export_id"] == export_id
    ]
    assert len(tasks) == searches and len(set(tasks)) == searches and tasks[0] is None
    planned = [e for e in pipeline.events() if e.name == "PlanningCompleted"]
    assert [e.record["search_pages"] for e in planned] == [searches]
    pages, sources = _expected(manifest)
    stored = {entry["id"] for entry in DocumentStore(out_dir / STATE_DIR).entries()}
    assert pages | sources <= stored
