"""Issue 7: the worker's /metrics agrees exactly with what the Notion sandbox counted."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.pipeline import PipelineFactory
from tests.integration.probes import free_port, get, poll

REQUESTS = "notion_sync_notion_requests_total"
Samples = dict[str, dict[tuple[tuple[str, str], ...], float]]


def _scrape(port: int) -> Samples | None:
    response = get(port, "/metrics")
    if response is None or response.status_code != 200:
        return None
    return _samples(response.text)


def _samples(text: str) -> Samples:
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return out


def _route(endpoint: str) -> str:
    """``GET /v1/pages/{page_id}`` and ``GET /v1/pages/{id}`` name the same route."""
    return re.sub(r"\{[^}]*\}", "{}", endpoint)


def _requests(metrics: Samples) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for labels, value in metrics.get(REQUESTS, {}).items():
        label = dict(labels)
        counts[_route(label["endpoint"]), label["status"]] += int(value)
    return counts


def _served(stats: dict[str, dict[str, int]]) -> Counter[tuple[str, str]]:
    return Counter(
        {
            (_route(endpoint), status): count
            for endpoint, by_status in stats.items()
            for status, count in by_status.items()
        }
    )


def test_request_counters_equal_the_sandbox_request_stats(
    pipeline_factory: PipelineFactory, out_dir: Path
) -> None:
    pipeline = pipeline_factory(pages=20)
    port = free_port()
    worker = pipeline.start_worker(NOTION_SYNC_WORKER__WEB_PORT=str(port))
    alive = lambda: worker.process.poll() is None  # noqa: E731
    before = poll(lambda: _scrape(port), "/metrics", alive=alive)
    assert sum(_requests(before).values()) == 0

    export_id = pipeline.request(out_dir, formats=("json",))
    # During the export: the worker counts a request once its answer is in, so it can only
    # trail the sandbox, which counts on answering.
    during = poll(
        lambda: m if sum(_requests(m := _scrape(port) or {}).values()) else None,
        "first counted request",
        alive=alive,
    )
    served_then = _served(pipeline.sandbox.stats()["by_endpoint"])
    for key, count in _requests(during).items():
        assert count <= served_then[key], key

    view = pipeline.wait(export_id)
    assert view.state == "completed", view
    after = _scrape(port)
    assert after is not None
    served = _served(pipeline.sandbox.stats()["by_endpoint"])
    assert _requests(after) == served
    assert sum(served.values()) == pipeline.sandbox.stats()["requests_total"] > 0
    exported = after["notion_sync_documents_exported_total"]
    assert exported[(("format", "json"),)] == view.written["json"]
    # The ledger counts the outcome when it consumes ExportCompleted, just after we saw it.
    outcome = poll(
        lambda: (_scrape(port) or {}).get("notion_sync_exports_total"), "exports_total", alive=alive
    )
    assert outcome == {(("outcome", "completed"),): 1.0}
    final = _scrape(port)
    assert final is not None and _requests(final) == served  # nothing more was sent
