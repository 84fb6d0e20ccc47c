"""The benchmark suite: ``make bench`` / ``python -m bench.run``.

    python -m bench.run [--sizes 1000,10000] [--quick] [--only ratelimit,scale,replay,peers]
                        [--merge] [--out bench/results]

Stages: rate-limit utilisation (1,000 pages, 20 req/s, 150 ± 50 ms), scale and memory
(``--sizes`` at a high limit), replay (when ``notion-sync replay`` exists) and the peers
side by side (200 pages at the same limit and latency). ``--quick`` shrinks everything to a
smoke run. ``--merge`` keeps stages of an existing results.json that this run does not redo,
and the scale runs of sizes it does not measure again.
Each stage is saved as soon as it finishes, so an interrupted run keeps what it measured.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import RESULTS, exit_on_sigterm, machine, write_json
from bench.peers import bench_peers
from bench.ratelimit import bench_ratelimit
from bench.replay import bench_replay, replay_available
from bench.report import conditions_note, not_done, write_report
from bench.scale import bench_scale

STAGES = ("ratelimit", "scale", "replay", "peers")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_suite(
    sizes: list[int],
    *,
    quick: bool = False,
    only: tuple[str, ...] = STAGES,
    out: Path = RESULTS,
    merge: bool = False,
    rl_pages: int = 1000,
    peer_pages: int = 200,
    replay_pages: int = 10000,
) -> dict[str, Any]:
    path = out / "results.json"
    res: dict[str, Any] = {}
    if merge and path.exists():
        res = json.loads(path.read_text())
    res.update(
        {
            "mode": "quick" if quick else "full",
            "machine": machine(),
            "started_at": res.get("started_at") if merge and res else _now(),
        }
    )
    if quick:
        sizes, rl_pages, peer_pages, replay_pages = [20, 50], 30, 20, 50
    stage_runs: dict[str, Any] = res.setdefault("stage_times", {})
    for stage in only:
        t0 = time.monotonic()
        print(f"[bench] {stage} …", flush=True)
        if stage == "ratelimit":
            res["ratelimit"] = bench_ratelimit(rl_pages)
        elif stage == "scale":
            # The replay benchmark reuses the export of its size when scale runs it.
            reuse = "replay" in only and replay_pages in sizes and replay_available()
            kept = res.get("scale", {}).get("runs", []) if merge else []
            res["scale"] = bench_scale(sizes, replay_at=replay_pages if reuse else None, keep=kept)
            if reuse:
                res["replay"] = next(
                    r["run"].pop("after")
                    for r in res["scale"]["runs"]
                    if r["pages"] == replay_pages
                )
        elif stage == "replay":
            if res.get("replay", {}).get("pages") != replay_pages or "scale" not in only:
                res["replay"] = bench_replay(replay_pages)
        elif stage == "peers":
            res["peers"] = bench_peers(peer_pages)
        stage_runs[stage] = {"finished_at": _now(), "seconds": round(time.monotonic() - t0, 1)}
        res["finished_at"] = _now()
        res["conditions_note"] = conditions_note(res)
        res["not_done"] = not_done(res)
        write_json(path, res)
        write_report(res, out)
    return res


def combine(dirs: list[Path], out: Path, notes: list[str]) -> dict[str, Any]:
    """Merge the stages of several results.json (stages run as separate processes) into one."""
    res: dict[str, Any] = {"mode": "full", "machine": machine(), "stage_times": {}}
    parts = [json.loads((d / "results.json").read_text()) for d in dirs]
    for part in parts:
        for stage in STAGES:
            if stage in part:
                res[stage] = part[stage]
                res["stage_times"][stage] = part.get("stage_times", {}).get(stage)
    res["started_at"] = min(p["started_at"] for p in parts)
    res["finished_at"] = max(p["finished_at"] for p in parts)
    res["run_notes"] = notes
    res["conditions_note"] = conditions_note(res)
    res["not_done"] = not_done(res)
    write_json(out / "results.json", res)
    write_report(res, out)
    return res


def main(argv: list[str] | None = None) -> None:
    exit_on_sigterm()
    ap = argparse.ArgumentParser(description="notion-sync benchmark suite")
    ap.add_argument("--sizes", default="1000,10000", help="scale benchmark sizes (pages)")
    ap.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    ap.add_argument("--only", default=",".join(STAGES))
    ap.add_argument("--merge", action="store_true")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--ratelimit-pages", type=int, default=1000)
    ap.add_argument("--peer-pages", type=int, default=200)
    ap.add_argument(
        "--combine",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="merge the results.json of DIRs into --out instead of running",
    )
    ap.add_argument("--note", action="append", default=[], help="with --combine: a run note")
    args = ap.parse_args(argv)
    if args.combine:
        combine(args.combine, args.out, args.note)
        print(f"[bench] results in {args.out}/results.md", flush=True)
        return
    only = tuple(s for s in args.only.split(",") if s)
    unknown = set(only) - set(STAGES)
    if unknown:
        ap.error(f"unknown stage(s) {sorted(unknown)}; choose from {STAGES}")
    run_suite(
        [int(s) for s in args.sizes.split(",")],
        quick=args.quick,
        only=only,
        out=args.out,
        merge=args.merge,
        rl_pages=args.ratelimit_pages,
        peer_pages=args.peer_pages,
    )
    print(f"[bench] results in {args.out}/results.md", flush=True)


if __name__ == "__main__":
    main()
