"""Run ``notion-sync run`` against a sandbox, measuring wall time, requests and per-process RSS."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from bench.common import (
    TOKEN,
    LoadMeter,
    ProcSampler,
    SandboxProc,
    StatsPoller,
    failures_total,
    subject_python,
)


def _env(
    state_dir: Path, rate: float, burst: int, concurrency: int, task_concurrency: int, port: int
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTION_SYNC_")}
    env.update(
        {
            "NOTION_SYNC_TOKEN_SANDBOX": TOKEN,
            "NOTION_SYNC_STATE_DIR": str(state_dir),
            "NOTION_SYNC_NOTION__RATE": str(rate),
            "NOTION_SYNC_NOTION__BURST": str(burst),
            "NOTION_SYNC_NOTION__CONCURRENCY": str(concurrency),
            "NOTION_SYNC_NOTION__TASK_CONCURRENCY": str(task_concurrency),
            # 0 picks a free port: other workers may hold 6066 on this machine.
            "NOTION_SYNC_WORKER__WEB_PORT": str(port),
            "NOTION_SYNC_WORKER__STATE_DIR": str(state_dir / "worker"),
        }
    )
    return env


def _broker_pid(state_dir: Path) -> list[int]:
    try:
        return [int(json.loads((state_dir / "broker.json").read_text())["pid"])]
    except (OSError, ValueError, KeyError):
        return []


def _children(pid: int) -> list[int]:
    try:
        return [c.pid for c in psutil.Process(pid).children()]
    except psutil.Error:
        return []


def run_notion_sync(
    sb: SandboxProc,
    work: Path,
    *,
    rate: float,
    burst: int,
    concurrency: int = 8,
    task_concurrency: int = 16,
    formats: str = "markdown",
    timeout: float = 3600,
    web_port: int = 0,
    after: Callable[[dict[str, str], Path], Any] | None = None,
) -> dict[str, Any]:
    """One export of ``sb`` by ``notion-sync run`` into ``work/out``, measured from outside.

    ``after(env, out)`` runs once the export is done, while its embedded broker is still up
    (the replay benchmark reads the retained topics there); its result is ``["after"]``.
    ``web_port`` fixes the worker's web port for a benchmark that scrapes its ``/metrics``.
    """
    state_dir, out = work / "state", work / "out"
    env = _env(state_dir, rate, burst, concurrency, task_concurrency, web_port)
    sb.reset_stats()
    cmd = [
        subject_python(),
        "-m",
        "notion_sync",
        "run",
        "--notion-url",
        sb.base_url,
        "--token-ref",
        "sandbox",
        "--out",
        str(out),
        "--format",
        formats,
        "--timeout",
        str(timeout),
    ]
    log = (work / "run.log").open("wb")
    holder: dict[str, int] = {}

    def roles() -> dict[str, list[int]]:
        pid = holder.get("run")
        broker = _broker_pid(state_dir)  # started by `run`, so also one of its children
        workers = [c for c in _children(pid) if c not in broker] if pid else []
        return {
            "run": [pid] if pid else [],
            "worker": workers,
            "render": [child for worker in workers for child in _children(worker)],
            "broker": broker,
            "sandbox (not notion-sync)": [sb.proc.pid] if sb.proc else [],
        }

    proc: subprocess.Popen[bytes] | None = None
    try:
        with LoadMeter() as load, StatsPoller(sb) as poller, ProcSampler(roles) as sampler:
            t0 = time.monotonic()
            proc = subprocess.Popen(
                cmd,
                env=env,
                cwd=work,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            holder["run"] = proc.pid
            rc = proc.wait(timeout + 60)
            wall = time.monotonic() - t0
            sampler.sample()
        log.close()
        stats = sb.stats()
        after_result = None
        if after is not None:
            try:
                after_result = after(env, out)
            except Exception as exc:  # recorded, not raised: the export figures still stand
                after_result = {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        # Also when the benchmark is interrupted: the worker dies with `run`, but the
        # embedded broker is detached on purpose (so `run` can resume) and must be stopped.
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        subprocess.run(
            [subject_python(), "-m", "notion_sync", "broker", "stop"],
            env=env,
            cwd=work,
            capture_output=True,
            timeout=60,
        )
    manifest: dict[str, Any] = {}
    if (out / "manifest.json").exists():
        manifest = json.loads((out / "manifest.json").read_text())
    counts = manifest.get("counts", {})
    first = next((t for t, n, _ in poller.samples if n > 0), None)
    documents = counts.get("documents", {})
    return {
        "exit_code": rc,
        "wall_s": round(wall, 2),
        "first_request_after_s": None if first is None else round(first, 2),
        "requests_sandbox": stats["requests_total"],
        "requests_reported": counts.get("requests"),
        # `run` checks the token with one users/me request before publishing the export.
        "preflight_requests": sum(stats["by_endpoint"].get("GET /v1/users/me", {}).values()),
        "rate_limited": stats["rate_limited"],
        "rate_limited_reported": counts.get("rate_limited"),
        "retries_reported": counts.get("retries"),
        "failures_http": failures_total(stats),
        "failed_documents": counts.get("failed"),
        "skipped_documents": counts.get("skipped"),
        "failed_samples": manifest.get("failed", [])[:5],
        "skipped_samples": manifest.get("skipped", [])[:5],
        "documents": documents,
        "pages_exported": documents.get("page", 0),
        "by_endpoint": stats["by_endpoint"],
        "file_downloads": stats.get("file_downloads", 0),
        "retry_after_violations": stats.get("retry_after_violations", 0),
        "peak_rss_mb": sampler.peaks_mb(),
        "cpu_seconds": round(sum(sampler.cpu_seconds.values()), 1),
        "load": load.report(sum(sampler.cpu_seconds.values())),
        "rps_series": poller.series(),
        "log_tail": (work / "run.log").read_text(errors="replace")[-600:] if rc else "",
        "after": after_result,
        "settings": {
            "rate": rate,
            "burst": burst,
            "concurrency": concurrency,
            "task_concurrency": task_concurrency,
            "formats": formats,
        },
    }
