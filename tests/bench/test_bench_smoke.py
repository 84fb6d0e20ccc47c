"""Smoke runs of every benchmark at a tiny size, so the suite cannot rot.

Structure and sanity only (requests ≥ the minimum, zero failures, RSS sampled for every
notion-sync process); no wall-clock assertion anywhere.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from bench.loop_stalls import bench_loop_stalls
from bench.peers import bench_peers, install_peers
from bench.ratelimit import bench_ratelimit
from bench.replay import bench_replay
from bench.report import write_report
from bench.scale import bench_scale
from bench.scale_out import REFS, bench_scale_out, render_markdown

pytestmark = pytest.mark.e2e

PAGES = 10
HIGH = 1000.0


def test_ratelimit_smoke() -> None:
    res = bench_ratelimit(PAGES, rate=HIGH, burst=200, latency_ms=0)
    f = res["figures"]
    assert res["run"]["exit_code"] == 0, res["run"]["log_tail"]
    assert f["requests_sent"] >= f["minimum_requests"] > 0
    assert f["requests_ratio"] >= 1.0
    assert f["failures"] == 0
    assert f["rate_limited"] == 0
    assert set(res["run"]["peak_rss_mb"]) >= {"run", "worker", "broker"}
    assert res["run"]["preflight_requests"] == 1
    assert res["run"]["requests_reported"] + 1 == f["requests_sent"]
    assert {"t", "rps", "rate_limited"} <= set(res["run"]["rps_series"])
    for key in ("utilisation", "wall_ratio", "startup_s"):
        assert isinstance(f[key], float | int) and not math.isnan(f[key])


def test_loop_stalls_smoke() -> None:
    res = bench_loop_stalls(PAGES)
    assert res["exit_code"] == 0, res["log_tail"]
    assert res["pages_exported"] > 0
    assert res["wake_ups"] > 0 and res["buckets"]["+Inf"] == res["wake_ups"]
    assert res["longest_stall_ms"] >= 0
    assert len(res["stalls_over_100ms"]) <= res["wake_ups"]


def test_scale_smoke() -> None:
    res = bench_scale([PAGES])
    (run,) = res["runs"]
    f = run["figures"]
    assert run["run"]["exit_code"] == 0, run["run"]["log_tail"]
    assert f["pages_exported"] > 0
    assert f["requests_sent"] >= f["minimum_requests"]
    assert f["failures"] == 0
    # The render child lives for a moment: at this size a 0.25 s sampler may miss it.
    assert (
        {"run", "worker", "broker"}
        <= set(f["peak_rss_mb"])
        <= {"run", "worker", "render", "broker"}
    )
    assert all(v > 0 for v in f["peak_rss_mb"].values())
    assert f["ms_per_page"] > 0


def test_scale_out_smoke() -> None:
    res = bench_scale_out(PAGES, (1, 2))
    for run in res["runs"]:
        assert run["states"] == ["completed"] * len(REFS), run
        assert run["pages"] >= len(REFS)  # every integration exported pages
        assert run["requests"] > run["pages"] and run["failures_http"] == 0
        assert set(run["busiest_second"]) == set(REFS)
        assert len(run["integrations_by_worker"]) == run["workers"]
        fetched = [ref for served in run["integrations_by_worker"] for ref in served]
        assert set(fetched) == set(REFS)  # every integration fetched, each by some worker
        assert "worker" in run["peak_rss_mb"] and "broker" in run["peak_rss_mb"]
    assert "| 2 |" in render_markdown(res)


def test_replay_smoke() -> None:
    res = bench_replay(PAGES)
    assert res["benchmark"] == "replay"
    assert isinstance(res["available"], bool)
    assert res["note"] if not res["available"] else True


def test_peers_smoke(tmp_path: Path) -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are needed to measure notion-to-md")
    install_peers()
    res = bench_peers(PAGES, rate=HIGH, burst=200, latency_ms=0, install=False)
    tools = res["tools"]
    assert set(tools) == {"notion-sync", "notion-to-md", "notion2md"}
    peer_min = res["minimum_requests"]["block content of pages in search (what peers export)"]
    for name, tool in tools.items():
        assert tool["exit_code"] == 0, (name, tool.get("summary"))
        assert tool["failures_http"] == 0, name
        assert (tool.get("failed_pages") or 0) == 0, name
        assert tool["pages_exported"] > 0, name
        assert tool["requests_sandbox"] >= peer_min["total"], name
        assert tool["capabilities"]["databases"]
    for name in ("notion-to-md", "notion2md"):
        assert tools[name]["notion_sync_ratio"]["requests"] > 0
    # The report renders from these results (plots included).
    written = write_report(
        {
            "mode": "smoke",
            "started_at": "-",
            "finished_at": "-",
            "machine": {"cores": 2, "cpu": "-", "memory_gib": 0, "python": "-", "node": "-"},
            "peers": res,
        },
        tmp_path,
    )
    assert "results.md" in written
    assert "notion-to-md" in (tmp_path / "results.md").read_text()
