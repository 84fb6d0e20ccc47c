"""This tree against another commit, side by side in one run: ``python -m bench.compare``.

    python -m bench.compare --baseline HEAD~1 [--this REV] [--pages 1000] [--rounds 2]

``--this`` measures a commit (installed like the baseline) instead of the working tree.

Each round runs the rate-limit benchmark (20 req/s, 150 ± 50 ms) and the scale benchmark
(high limit) once for each side, alternating which side goes first, so a noisy minute
lands on both. The table gives each figure's median per side and the ratio this ÷ baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.baseline import baseline_python, resolve
from bench.common import RESULTS, exit_on_sigterm, machine, measuring, write_json
from bench.ratelimit import bench_ratelimit
from bench.scale import bench_scale_one

#: (label, stage, how to read it from a stage's result); lower is better unless marked.
FIGURES: list[tuple[str, str, Callable[[dict[str, Any]], float | None]]] = [
    ("requests ÷ minimum", "ratelimit", lambda r: r["figures"]["requests_ratio"]),
    ("utilisation (higher is better)", "ratelimit", lambda r: r["figures"]["utilisation"]),
    # From the first request: a side that sends a token check before its worker starts
    # counts its worker's start-up against "utilisation"; these two do not.
    (
        "utilisation, whole run (higher is better)",
        "ratelimit",
        lambda r: r["figures"]["utilisation_whole_run"],
    ),
    (
        "utilisation, steady-state median (higher is better)",
        "ratelimit",
        lambda r: r["figures"].get("utilisation_steady_median"),
    ),
    ("rate-limit wall s", "ratelimit", lambda r: r["run"]["wall_s"]),
    ("start-up to first request s", "ratelimit", lambda r: r["figures"]["startup_s"]),
    ("worker peak RSS MB", "scale", lambda r: r["run"]["peak_rss_mb"].get("worker")),
    ("render child peak RSS MB", "scale", lambda r: r["run"]["peak_rss_mb"].get("render")),
    ("broker peak RSS MB", "scale", lambda r: r["run"]["peak_rss_mb"].get("broker")),
    ("scale wall s", "scale", lambda r: r["run"]["wall_s"]),
    ("scale requests ÷ minimum", "scale", lambda r: r["figures"].get("requests_ratio")),
]


def _stages(pages: int) -> dict[str, dict[str, Any]]:
    return {"ratelimit": bench_ratelimit(pages), "scale": bench_scale_one(pages)}


def compare(baseline: str, pages: int, rounds: int, this: str | None = None) -> dict[str, Any]:
    this_python = sys.executable if this is None else str(baseline_python(this))
    sides = {"baseline": str(baseline_python(baseline)), "this": this_python}
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "this": []}
    for round_no in range(rounds):
        order = ["baseline", "this"] if round_no % 2 == 0 else ["this", "baseline"]
        for side in order:
            print(f"[compare] round {round_no + 1}/{rounds}: {side} …", flush=True)
            with measuring(sides[side]):
                runs[side].append(_stages(pages))
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "baseline": resolve(baseline),
        "this": resolve(this or "HEAD") + ("" if this else " (working tree)"),
        "pages": pages,
        "rounds": rounds,
        "machine": machine(),
        "table": table(runs),
        "runs": runs,
    }


def table(runs: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each figure's median per side and the ratio this ÷ baseline (also for saved runs)."""
    rows = []
    for label, stage, read in FIGURES:
        medians = {}
        for side, results in runs.items():
            values = [v for v in (read(r[stage]) for r in results) if v is not None]
            medians[side] = statistics.median(values) if values else None
        before, after = medians["baseline"], medians["this"]
        ratio = round(after / before, 3) if before and after is not None else None
        rows.append({"figure": label, **medians, "ratio": ratio})
    return rows


def report(result: dict[str, Any]) -> str:
    lines = [
        f"# Side by side: {result['this'][:10]} against {result['baseline'][:10]}",
        "",
        f"{result['at']}, {result['pages']} pages, {result['rounds']} round(s) per side, "
        "alternating; medians. Rate limit: 20 req/s and 150 ± 50 ms in the sandbox; "
        "scale: the sandbox's high limit, no latency.",
        "",
        "| figure | baseline | this | this ÷ baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in result["table"]:
        lines.append(f"| {row['figure']} | {row['baseline']} | {row['this']} | {row['ratio']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    exit_on_sigterm()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="HEAD~1")
    ap.add_argument("--this", default=None, help="a commit to measure instead of the tree")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    result = compare(args.baseline, args.pages, args.rounds, args.this)
    write_json(args.out / "compare.json", result)
    (args.out / "compare.md").write_text(report(result))
    print(report(result))


if __name__ == "__main__":
    main()
