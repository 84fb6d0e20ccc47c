"""Rate-limit utilisation: how close to the limit, with how few requests.

    python -m bench.ratelimit --pages 1000 [--rate 20] [--latency-ms 150]

The sandbox limits the token to ``rate`` req/s (burst ``burst``) and adds 150 ms ± 50 ms of
latency to every request; notion-sync is configured with the same rate and burst.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bench.common import exit_on_sigterm, minimum_requests, sandbox, workdir, workspace_summary
from bench.nsrun import run_notion_sync

TARGETS = {
    "utilisation_min": 0.95,
    "rate_limited_max": 0,
    "requests_ratio_max": 1.02,
    "wall_ratio_max": 1.10,
}


def split_429(series: dict[str, list[float]], first: float, warmup: float = 5.0) -> tuple[int, int]:
    """429s in the first ``warmup`` seconds of traffic, and in steady state after them."""
    early = late = 0
    for t, n in zip(series["t"], series["rate_limited"], strict=False):
        if t <= first + warmup:
            early += int(n)
        else:
            late += int(n)
    return early, late


def bench_ratelimit(
    pages: int = 1000,
    rate: float = 20.0,
    burst: int = 10,
    latency_ms: float = 150.0,
    concurrency: int = 8,
) -> dict[str, Any]:
    with (
        sandbox(pages, rate=rate, burst=burst, latency_ms=latency_ms) as sb,
        workdir("ratelimit") as work,
    ):
        run = run_notion_sync(sb, work, rate=rate, burst=burst, concurrency=concurrency)
        manifest = sb.manifest()
        sandbox_cfg = sb.config()
    minimum = minimum_requests(manifest)
    sent = run["requests_sandbox"]
    series = run["rps_series"]
    first = run["first_request_after_s"] or 0.0
    active = max(1e-9, run["wall_s"] - first)
    ideal = minimum["total"] / rate
    # Steady state: the samples between the first and last second with traffic.
    busy = [r for r in series["rps"] if r > 0]
    steady = busy[1:-1] if len(busy) > 2 else busy
    last = max(
        (t for t, r in zip(series["t"], series["rps"], strict=False) if r > 0),
        default=run["wall_s"],
    )
    tail = max(0.0, run["wall_s"] - last)
    excess = run["wall_s"] - ideal
    analysis = (
        f"Where the wall time goes: ideal {ideal:.1f} s (minimum ÷ limit); measured "
        f"{run['wall_s']:.1f} s, {excess:+.1f} s. Start-up before the first Notion request "
        f"(embedded broker, topics, worker, consumer group join) {first:.1f} s; after the last "
        f"request to exit (render, manifest, shutdown) ≈ {tail:.1f} s (1-s sampling); the "
        f"remaining {excess - first - tail:+.1f} s is requests above the minimum, 429 back-off "
        f"and rate dips while requests were in flight."
    )
    early_429, steady_429 = split_429(series, first)
    return {
        "benchmark": "ratelimit",
        "analysis": analysis,
        "sandbox": sandbox_cfg,
        "workspace": workspace_summary(manifest),
        "minimum_requests": minimum,
        "run": run,
        "figures": {
            "requests_sent": sent,
            "minimum_requests": minimum["total"],
            "requests_ratio": round(sent / minimum["total"], 4),
            "achieved_rps_whole_run": round(sent / run["wall_s"], 2),
            "achieved_rps_after_first_request": round(sent / active, 2),
            "utilisation_whole_run": round(sent / run["wall_s"] / rate, 3),
            "utilisation": round(sent / active / rate, 3),
            "utilisation_steady_median": round(sorted(steady)[len(steady) // 2] / rate, 3)
            if steady
            else None,
            "rate_limited": run["rate_limited"],
            "rate_limited_first_5s": early_429,
            "rate_limited_steady": steady_429,
            "ideal_wall_s": round(ideal, 1),
            "wall_ratio": round(run["wall_s"] / ideal, 3),
            "startup_s": first,
            "tail_s": round(tail, 1),
            "failures": run["failures_http"] + (run["failed_documents"] or 0),
        },
        "targets": TARGETS,
    }


def main(argv: list[str] | None = None) -> None:
    exit_on_sigterm()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--burst", type=int, default=10)
    ap.add_argument("--latency-ms", type=float, default=150.0)
    args = ap.parse_args(argv)
    result = bench_ratelimit(args.pages, args.rate, args.burst, args.latency_ms)
    print(json.dumps(result["figures"], indent=2))


if __name__ == "__main__":
    main()
