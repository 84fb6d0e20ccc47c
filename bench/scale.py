"""Scale and memory: time per page and peak RSS of every notion-sync process vs workspace size.

    python -m bench.scale --sizes 1000,10000[,100000]

High limit (1000 req/s in the sandbox and in notion-sync), no latency. RSS is sampled every
0.25 s for the ``run`` process, the worker (children of ``run``) and the embedded broker
(pid from ``broker.json``), each kept separately.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import (
    HIGH_BURST,
    HIGH_RATE,
    exit_on_sigterm,
    minimum_requests,
    sandbox,
    workdir,
    workspace_summary,
)
from bench.nsrun import run_notion_sync
from bench.replay import measure_replay, summarise

TARGETS = {"time_ratio_10k_1k_max": 11.0, "peak_rss_mb_max": 100.0}
# A run is abandoned past this many seconds per page (~5x what 10,000 pages take here).
SECONDS_PER_PAGE_BOUND = 0.2


def bench_scale_one(
    pages: int, *, with_minimum: bool = True, replay: bool = False
) -> dict[str, Any]:
    """One size; with ``replay``, the replay benchmark runs on this export afterwards."""
    with sandbox(pages, rate=HIGH_RATE, burst=HIGH_BURST) as sb, workdir("scale") as work:

        def after(env: dict[str, str], out: Path) -> dict[str, Any]:
            manifest = json.loads((out / "manifest.json").read_text())
            exported = manifest["counts"]["documents"].get("page", 0)
            return summarise(pages, exported, measure_replay(sb, env, out, exported))

        run = run_notion_sync(
            sb,
            work,
            rate=HIGH_RATE,
            burst=HIGH_BURST,
            concurrency=16,
            task_concurrency=32,
            timeout=max(3600.0, pages * SECONDS_PER_PAGE_BOUND),
            after=after if replay else None,
        )
        manifest = sb.manifest() if with_minimum else None
        sandbox_cfg = {**sb.config(), "startup_s": sb.startup_s}
    result: dict[str, Any] = {"pages": pages, "sandbox": sandbox_cfg, "run": run}
    exported = max(1, run["pages_exported"])
    notion_sync_rss = {k: v for k, v in run["peak_rss_mb"].items() if not k.startswith("sandbox")}
    result["figures"] = {
        "wall_s": run["wall_s"],
        "startup_s": run["first_request_after_s"],
        "pages_exported": run["pages_exported"],
        "ms_per_page": round(1000 * run["wall_s"] / exported, 2),
        "ms_per_page_after_startup": round(
            1000 * (run["wall_s"] - (run["first_request_after_s"] or 0)) / exported, 2
        ),
        "requests_sent": run["requests_sandbox"],
        "peak_rss_mb": notion_sync_rss,
        "peak_rss_mb_max": max(notion_sync_rss.values(), default=math.nan),
        "failures": run["failures_http"] + (run["failed_documents"] or 0),
    }
    if manifest is not None:
        minimum = minimum_requests(manifest)
        result["workspace"] = workspace_summary(manifest)
        result["minimum_requests"] = minimum
        result["figures"]["minimum_requests"] = minimum["total"]
        result["figures"]["requests_ratio"] = round(run["requests_sandbox"] / minimum["total"], 4)
    return result


def bench_scale(
    sizes: list[int], replay_at: int | None = None, keep: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """Measure ``sizes``; runs in ``keep`` (an earlier result) of other sizes stay beside them,
    so the 100,000-page point, which takes over an hour, can be added to a suite run."""
    fresh = [bench_scale_one(n, replay=n == replay_at) for n in sizes]
    runs = sorted([*(r for r in keep if r["pages"] not in sizes), *fresh], key=lambda r: r["pages"])
    by_size = {r["pages"]: r["figures"] for r in runs}
    summary: dict[str, Any] = {}
    if 1000 in by_size and 10000 in by_size:
        summary["time_ratio_10k_1k"] = round(by_size[10000]["wall_s"] / by_size[1000]["wall_s"], 2)
        summary["time_ratio_10k_1k_after_startup"] = round(
            by_size[10000]["ms_per_page_after_startup"]
            * by_size[10000]["pages_exported"]
            / (by_size[1000]["ms_per_page_after_startup"] * by_size[1000]["pages_exported"]),
            2,
        )
    return {
        "benchmark": "scale",
        "sizes": [r["pages"] for r in runs],
        "runs": runs,
        "summary": summary,
        "targets": TARGETS,
    }


def main(argv: list[str] | None = None) -> None:
    exit_on_sigterm()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    args = ap.parse_args(argv)
    result = bench_scale([int(s) for s in args.sizes.split(",")])
    print(
        json.dumps(
            {"summary": result["summary"], "runs": [r["figures"] for r in result["runs"]]}, indent=2
        )
    )


if __name__ == "__main__":
    main()
