"""Scale-out: throughput of 1, 2 and 3 workers in one group while three integrations export.

    python -m bench.scale_out --pages 300

One sandbox process serves three integrations, each with its own token, workspace (seeds
7, 8, 9) and token bucket (``--rate``/``--burst``, with ``--latency-ms``); the workers'
per-integration budget is the same. One embedded broker. For each worker count: a fresh
topic prefix (so a fresh consumer group), that many ``notion-sync worker`` processes, all
ready, then one export request per integration at once (Markdown), timed from the first
request published to the last export finished. Requests, 429s and each integration's
busiest second come from the sandbox's stats; which worker fetched for which integration
from each worker's ``/metrics`` (the integrations it holds a rate bucket for).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.common import (
    RESULTS,
    SEED,
    TOKEN,
    LoadMeter,
    ProcSampler,
    SandboxProc,
    exit_on_sigterm,
    failures_total,
    machine,
    workdir,
    write_json,
)
from bench.worker_group import WorkerGroup

if TYPE_CHECKING:
    from notion_sync.kafka.broker import EmbeddedBroker
    from notion_sync.kafka.status import ExportView

#: Token refs whose fetch tasks fall on three different partitions of three (murmur2).
REFS = ("sandbox", "team1", "team3")
FETCH_PARTITIONS = 3
RATE, BURST, LATENCY_MS = 40.0, 20, 50.0


#: Each ref's token, and the sandbox's name for its integration.
TOKENS = {ref: TOKEN if ref == "sandbox" else f"{ref}-token" for ref in REFS}
NAMES = {ref: "default" if ref == "sandbox" else ref for ref in REFS}


async def _serve(pages: int, rate: float, burst: int, latency_ms: float) -> None:
    from notion_sync.sandbox import Integration, Sandbox, SandboxConfig

    others = tuple(
        Integration(ref, TOKENS[ref], SEED + i, pages, rate, burst)
        for i, ref in enumerate(REFS[1:], start=1)
    )
    config = SandboxConfig(
        pages=pages,
        seed=SEED,
        rate=rate,
        burst=burst,
        latency_ms=latency_ms,
        token=TOKEN,
        integrations=others,
    )
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with Sandbox(config) as sb:
        print(sb.base_url, flush=True)
        await stop.wait()


class _ThreeIntegrations(SandboxProc):
    """The three-integration sandbox in its own process (this module's ``--serve``)."""

    def command(self) -> list[str]:
        serve = [sys.executable, "-m", "bench.scale_out", "--serve", "--pages", str(self.pages)]
        limits = ["--rate", str(self.rate), "--burst", str(self.burst)]
        return [*serve, *limits, "--latency-ms", str(self.latency_ms)]


def _env(sb: SandboxProc, bootstrap: str, state_dir: Path, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTION_SYNC_")}
    return env | {
        "NOTION_SYNC_KAFKA__BROKER": f"kafka://{bootstrap}",
        "NOTION_SYNC_STATE_DIR": str(state_dir),
        "NOTION_SYNC_KAFKA__TOPIC_PREFIX": prefix,
        "NOTION_SYNC_KAFKA__TOPICS__FETCH_TASKS__PARTITIONS": str(FETCH_PARTITIONS),
        "NOTION_SYNC_NOTION__BASE_URL": sb.base_url,
        "NOTION_SYNC_NOTION__RATE": str(sb.rate),
        "NOTION_SYNC_NOTION__BURST": str(sb.burst),
        **{f"NOTION_SYNC_TOKEN_{ref.upper()}": TOKENS[ref] for ref in REFS},
    }


def _export_all(bootstrap: str, prefix: str, work: Path, group: WorkerGroup) -> list[ExportView]:
    """Publish one request per integration at once; follow export-events until all ended."""
    from notion_sync.core.request import build_request
    from notion_sync.kafka.status import ExportView, read_events
    from notion_sync.kafka.topics import TopicNames
    from notion_sync.producers.request import publish_request

    names = TopicNames(prefix)
    views: dict[str, ExportView] = {}
    for ref in REFS:
        record = build_request(formats=("markdown",), out_dir=work / ref, token_ref=ref)
        publish_request(bootstrap, names.requests, record)
        views[str(record["export_id"])] = ExportView(str(record["export_id"]))

    def done() -> bool:
        return all(view.finished for view in views.values())

    stop = lambda: done() or group.any_dead()  # noqa: E731
    for decoded in read_events(bootstrap, names.events, follow=True, stop=stop):
        view = views.get(str(decoded.record.get("export_id")))
        if view is not None:
            view.apply(decoded)
            if done():
                break
    return list(views.values())


def _one_run(
    count: int, sb: SandboxProc, broker: EmbeddedBroker, state_dir: Path, work: Path
) -> dict[str, Any]:
    from notion_sync.core.config import load_settings
    from notion_sync.kafka.topics import ensure_topics

    bootstrap = broker.bootstrap
    prefix = f"scaleout{count}-{uuid.uuid4().hex[:6]}"
    topics = {"fetch_tasks": {"partitions": FETCH_PARTITIONS}}
    settings = load_settings(overrides={"kafka": {"topic_prefix": prefix, "topics": topics}})
    ensure_topics(bootstrap, settings.kafka)
    group = WorkerGroup(count, work, _env(sb, bootstrap, state_dir, prefix))
    try:
        group.wait_ready(120)
        sb.reset_stats()
        sandbox_pid = [sb.proc.pid] if sb.proc else []
        roles = lambda: {  # noqa: E731
            "worker": group.pids,
            "broker": [broker.pid],
            "sandbox (not notion-sync)": sandbox_pid,
        }
        with LoadMeter() as load, ProcSampler(roles) as sampler:
            started = time.monotonic()
            views = _export_all(bootstrap, prefix, work, group)
            wall = time.monotonic() - started
            sampler.sample()
        stats = sb.stats()
        served = group.served()
    finally:
        group.stop()
    pages = sum(view.pages for view in views)
    lines = stats["by_integration"]
    return {
        "workers": count,
        "states": sorted(view.state for view in views),
        "wall_s": round(wall, 2),
        "pages": pages,
        "pages_per_s": round(pages / wall, 2),
        "requests": stats["requests_total"],
        "requests_per_s": round(stats["requests_total"] / wall, 2),
        "budget_use": round(stats["requests_total"] / wall / (len(REFS) * sb.rate), 3),
        "rate_limited": stats["rate_limited"],
        "failures_http": failures_total(stats),
        "busiest_second": {ref: lines[NAMES[ref]]["peak_per_second"] for ref in REFS},
        "integrations_by_worker": served,
        "worker_cpu_s": round(sum(sampler.cpu_seconds.get(pid, 0.0) for pid in group.pids), 1),
        "peak_rss_mb": sampler.peaks_mb(),
        "load": load.report(sum(sampler.cpu_seconds.values())),
    }


def bench_scale_out(
    pages: int,
    workers: tuple[int, ...] = (1, 2, 3),
    *,
    rate: float = RATE,
    burst: int = BURST,
    latency_ms: float = LATENCY_MS,
) -> dict[str, Any]:
    """One run per worker count against one sandbox and one embedded broker."""
    from notion_sync.kafka.broker import ensure_embedded_broker, stop_embedded_broker

    sb = _ThreeIntegrations(pages, rate, burst, latency_ms).start()
    runs = []
    try:
        with workdir("scale-out") as work:
            state_dir = work / "state"
            broker = ensure_embedded_broker(state_dir)
            try:
                for count in workers:
                    (work / str(count)).mkdir()
                    runs.append(_one_run(count, sb, broker, state_dir, work / str(count)))
            finally:
                stop_embedded_broker(state_dir)
    finally:
        sb.stop()
    return {
        "benchmark": "scale_out",
        "integrations": len(REFS),
        "sandbox": sb.config(),
        "machine": machine(),
        "runs": runs,
    }


def render_markdown(res: dict[str, Any], note: str = "") -> str:
    """The results file: one row per worker count."""
    sb, cores = res["sandbox"], res["machine"].get("cores", "?")
    lines = [
        "# Scale-out: 1, 2 and 3 workers, three integrations exporting at once",
        "",
        f"Written by `python -m bench.scale_out --pages {sb['pages']}`. One sandbox process "
        f"serves three integrations, each its own workspace of {sb['pages']} pages (seeds "
        f"{SEED}, {SEED + 1}, {SEED + 2}) and its own limit of {sb['rate']} req/s (burst "
        f"{sb['burst']}), latency {sb['latency_ms']} ± {sb['latency_jitter_ms']} ms; the "
        "workers' budget per integration is the same. One embedded broker (Tansu); "
        "fetch-tasks has 3 partitions and each integration's tasks are on one of them. Each "
        "row: a fresh consumer group, that many workers ready, then the three export "
        "requests at once (Markdown), timed to the last export finished.",
        "",
        f"**Machine: {cores} cores**, shared by the sandbox, the broker and every worker "
        "(and, during this run, by other people's work on the same machine: see the load "
        f"column). The three budgets allow {len(REFS)} × {sb['rate']} = "
        f"{len(REFS) * sb['rate']:g} req/s in all.",
        "",
        "| workers | wall s | pages | pages/s | requests | req/s | share of the 3 budgets "
        "| 429s | busiest second per integration (req) | integrations fetched, per worker "
        "| workers' CPU s | peak worker RSS MB | machine load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in res["runs"]:
        load = run["load"]
        lines.append(
            f"| {run['workers']} | {run['wall_s']} | {run['pages']} | {run['pages_per_s']} "
            f"| {run['requests']} | {run['requests_per_s']} | {run['budget_use']:.0%} "
            f"| {run['rate_limited']} | "
            + ", ".join(f"{ref} {n}" for ref, n in run["busiest_second"].items())
            + " | "
            + "; ".join("+".join(s) or "none" for s in run["integrations_by_worker"])
            + f" | {run['worker_cpu_s']} | {run['peak_rss_mb'].get('worker', math.nan)} "
            f"| load avg {load['loadavg_1m_start']}→{load['loadavg_1m_end']}, "
            f"{load['machine_cpu_busy_pct']}% of {load['cores']} cores busy, "
            f"{load['other_processes_cpu_pct']}% by processes outside the benchmark |"
        )
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="pages per integration")
    parser.add_argument("--rate", type=float, default=RATE)
    parser.add_argument("--burst", type=int, default=BURST)
    parser.add_argument("--latency-ms", type=float, default=LATENCY_MS)
    parser.add_argument("--workers", default="1,2,3", help="worker counts, comma-separated")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the results go")
    parser.add_argument("--note", default="", help="a paragraph added under the table")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(args.pages, args.rate, args.burst, args.latency_ms))
        return
    exit_on_sigterm()
    res = bench_scale_out(
        args.pages,
        tuple(int(n) for n in args.workers.split(",")),
        rate=args.rate,
        burst=args.burst,
        latency_ms=args.latency_ms,
    )
    write_json(args.out / "scale_out.json", res)
    (args.out / "scale_out.md").write_text(render_markdown(res, args.note), encoding="utf-8")
    print(render_markdown(res, args.note))


if __name__ == "__main__":
    main()
