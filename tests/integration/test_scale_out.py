"""Issue 21: three workers in one group share exports of three integrations, one is
killed with SIGKILL mid-export, the group rebalances, and every export ends
byte-identical to a single worker's, each integration within its own budget."""

from __future__ import annotations

import re
import time
from pathlib import Path

from notion_sync.core.config import load_settings
from notion_sync.core.request import build_request
from notion_sync.kafka.topic_reader import read_topic
from notion_sync.kafka.topics import ensure_topics
from notion_sync.producers.request import publish_request
from notion_sync.sandbox import Integration
from tests.fixtures.pipeline import TOKEN_REF, Pipeline, PipelineFactory, WorkerProcess
from tests.fixtures.trees import missing_documents, tree, wait_for
from tests.integration.probes import free_port, get

SANDBOX_RATE, SANDBOX_BURST, PAGES = 25.0, 8, 25
TEAMS = {
    ref: Integration(ref, f"{ref}-token", seed, PAGES, rate=SANDBOX_RATE, burst=SANDBOX_BURST)
    for ref, seed in (("team1", 11), ("team3", 12))
}
#: Token refs whose fetch tasks land on three different partitions of three (checked
#: on the topic below): the default partitioner's murmur2 of the key.
REFS = (TOKEN_REF, *TEAMS)
FETCH_PARTITIONS = 3
#: Each integration's budget in the workers, below the sandbox's (25/s, burst 8): two
#: workers serving one integration at once would send up to 40/s and meet 429s.
WORKER_RATE, WORKER_BURST = 20.0, 4
ENV = {
    "NOTION_SYNC_KAFKA__TOPICS__FETCH_TASKS__PARTITIONS": str(FETCH_PARTITIONS),
    "NOTION_SYNC_NOTION__RATE": str(WORKER_RATE),
    "NOTION_SYNC_NOTION__BURST": str(WORKER_BURST),
    "NOTION_SYNC_NOTION__SEARCH_PAGE_SIZE": "10",
    **{f"NOTION_SYNC_TOKEN_{ref.upper()}": team.token for ref, team in TEAMS.items()},
}
FORMATS = ("json", "markdown", "html")


def _request(pipeline: Pipeline, out_dir: Path, token_ref: str) -> str:
    """Publish an export request with the topic layout the workers use."""
    settings = load_settings(
        overrides={
            "kafka": {
                "topic_prefix": pipeline.prefix,
                "topics": {
                    "fetch_tasks": {"partitions": FETCH_PARTITIONS},
                    "entities": {"partitions": 4},
                    "export_events": {"partitions": 2},
                    "export_requests": {"partitions": 2},
                },
            }
        }
    )
    ensure_topics(pipeline.broker.bootstrap, settings.kafka)
    record = build_request(formats=FORMATS, out_dir=out_dir, token_ref=token_ref)
    publish_request(pipeline.broker.bootstrap, pipeline.names.requests, record)
    return str(record["export_id"])


def _integrations_served(port: int) -> set[str]:
    """The integrations a worker has a rate bucket for: those it has fetched for."""
    response = get(port, "/metrics")
    assert response is not None and response.status_code == 200
    return set(
        re.findall(r'notion_sync_rate_limiter_tokens\{integration="([^"]+)"\}', response.text)
    )


def _export_all(pipeline: Pipeline, root: Path) -> dict[str, str]:
    return {ref: _request(pipeline, root / ref, ref) for ref in REFS}


def _wait_all_finished(pipeline: Pipeline, exports: dict[str, str], timeout: float) -> None:
    def finished() -> bool:
        views = pipeline.views()
        return all(views.get(e) is not None and views[e].finished for e in exports.values())

    wait_for(finished, timeout, "every export finished")


def test_three_workers_share_integrations_and_survive_a_kill(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(
        pages=PAGES,
        rate=SANDBOX_RATE,
        burst=SANDBOX_BURST,
        integrations=tuple(TEAMS.values()),
        extra_env=ENV,
    )
    sandbox = pipeline.sandbox

    # The reference: one worker exports all three integrations at once.
    started = time.monotonic()
    single = pipeline.start_worker()
    clean = _export_all(pipeline, tmp_path / "single")
    _wait_all_finished(pipeline, clean, 120)
    assert single.stop() == 0
    views = pipeline.views()
    assert [views[e].state for e in clean.values()] == ["completed"] * 3, views
    expected = {ref: tree(tmp_path / "single" / ref) for ref in REFS}
    assert all(len(files) > 30 for files in expected.values())
    assert len({tuple(sorted(files.items())) for files in expected.values()}) == 3

    # The fetch tasks of the three integrations are on three partitions.
    partitions = {
        key.decode(): partition
        for partition, _offset, key, _value in read_topic(
            pipeline.broker.bootstrap, pipeline.names.fetch
        )
    }
    assert sorted(partitions[ref] for ref in REFS) == list(range(FETCH_PARTITIONS)), partitions

    # Three workers in one group, all ready before the requests; at least two fetch.
    single_s = time.monotonic() - started
    sandbox.reset_stats()
    started = time.monotonic()
    ports = [free_port() for _ in range(3)]
    workers: dict[int, WorkerProcess] = {
        port: pipeline.start_worker(NOTION_SYNC_WORKER__WEB_PORT=str(port)) for port in ports
    }
    wait_for(lambda: all(_ready(port) for port in ports), 90, "three workers ready in one group")
    shared = _export_all(pipeline, tmp_path / "shared")

    # Kill, mid-export, a worker fetching for an integration with documents still to fetch.
    def victim() -> tuple[int, str] | None:
        views = pipeline.views()
        running = {
            ref
            for ref, export_id in shared.items()
            if (view := views.get(export_id)) is not None
            and not view.finished
            and 3 <= view.fetched <= view.scheduled - 5
        }
        for port in ports:
            for ref in _integrations_served(port) & running:
                return port, ref
        return None

    port, ref = wait_for(victim, 90, "an export under way on some worker")
    served_before = {p: _integrations_served(p) for p in ports}
    assert sum(bool(served) for served in served_before.values()) >= 2, served_before
    fetched_at_kill = pipeline.views()[shared[ref]].fetched
    workers.pop(port).kill()

    _wait_all_finished(pipeline, shared, 150)
    shared_s = time.monotonic() - started
    views = pipeline.views()
    for each, export_id in shared.items():
        view = views[export_id]
        assert view.state == "completed", view
        assert view.failures == [] and view.failed == 0, view
        assert missing_documents(tmp_path / "shared" / each, sandbox.manifest(_name(each))) == set()
        got = tree(tmp_path / "shared" / each)
        assert sorted(got) == sorted(expected[each]), each
        assert [p for p in expected[each] if got[p] != expected[each][p]] == [], each
    # The rebalance handed the killed worker's integration to a survivor.
    assert any(ref in _integrations_served(p) for p in workers), (ref, served_before)
    assert views[shared[ref]].fetched > fetched_at_kill

    # Each integration kept to its own budget: no 429, no request during a pause, and
    # never more in one second than the sandbox's bucket lets through.
    lines = sandbox.stats()["by_integration"]
    assert set(lines) == {_name(each) for each in REFS}, lines
    for name, line in lines.items():
        assert line["rate_limited"] == 0, (name, line)
        assert line["retry_after_violations"] == 0, (name, line)
        assert line["peak_per_second"] <= SANDBOX_RATE + SANDBOX_BURST, (name, line)
    print(
        f"scale-out: one worker {single_s:.1f} s; three workers (one killed) {shared_s:.1f} s; "
        f"fetching before the kill {sorted(map(sorted, served_before.values()))}; killed the "
        f"one serving {ref} at {fetched_at_kill} fetched; per integration {lines}"
    )


def _ready(port: int) -> bool:
    response = get(port, "/readyz")
    return response is not None and response.status_code == 200


def _name(ref: str) -> str:
    """The sandbox's name of the integration behind a token ref."""
    return "default" if ref == TOKEN_REF else ref
