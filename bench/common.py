"""What every benchmark shares: a sandbox in its own process, stats polling, RSS and load sampling.

The sandbox runs as ``python -m notion_sync sandbox`` in a separate process so that serving
requests never competes with the measured process for a GIL. Everything measured is read
from the outside: requests and 429s from the sandbox's ``/__sandbox/stats``, memory from
``psutil`` samples of each process, CPU load of the machine from ``/proc`` via ``psutil``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TOKEN = "secret-sandbox-token"
SEED = 7
MB = 1024 * 1024
HIGH_RATE = 1000.0  # "a high limit": scale and replay runs
HIGH_BURST = 200


def exit_on_sigterm() -> None:
    """Make SIGTERM raise SystemExit, so an interrupted benchmark runs its cleanups (sandbox,
    embedded broker, work directory) instead of leaving them running."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def python() -> str:
    """The interpreter of the project venv (the one running the benchmark): the sandbox's."""
    return sys.executable


#: The interpreter whose ``notion-sync run`` is measured: this tree's unless a side-by-side
#: comparison (``bench.compare``) points it at another commit's venv.
_SUBJECT = {"python": sys.executable}


def subject_python() -> str:
    return _SUBJECT["python"]


@contextlib.contextmanager
def measuring(interpreter: str) -> Iterator[None]:
    """Measure the notion-sync installed for ``interpreter`` inside the block."""
    before = _SUBJECT["python"]
    _SUBJECT["python"] = interpreter
    try:
        yield
    finally:
        _SUBJECT["python"] = before


@dataclass
class SandboxProc:
    """A sandbox server in a child process."""

    pages: int
    rate: float
    burst: int
    latency_ms: float
    seed: int = SEED
    proc: subprocess.Popen[bytes] | None = None
    base_url: str = ""
    startup_s: float = math.nan

    def command(self) -> list[str]:
        rate = "0" if math.isinf(self.rate) else str(self.rate)
        return [
            python(),
            "-m",
            "notion_sync",
            "sandbox",
            "--pages",
            str(self.pages),
            "--seed",
            str(self.seed),
            "--rate",
            rate,
            "--burst",
            str(self.burst),
            "--latency-ms",
            str(self.latency_ms),
            "--token",
            TOKEN,
        ]

    def start(self) -> SandboxProc:
        """Start :meth:`command` and wait for the base URL, its first line."""
        started = time.monotonic()
        self.proc = subprocess.Popen(
            self.command(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("http"):
            self.stop()
            raise RuntimeError(f"sandbox did not start (first line {line!r})")
        self.base_url = line
        self.startup_s = round(time.monotonic() - started, 2)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def _get(self, path: str, method: str = "GET", timeout: float = 600) -> Any:
        req = urllib.request.Request(self.base_url + path, method=method)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read() or b"null")

    def stats(self) -> dict[str, Any]:
        return dict(self._get("/__sandbox/stats", timeout=30))

    def reset_stats(self) -> None:
        self._get("/__sandbox/stats/reset", method="POST", timeout=30)

    def manifest(self) -> dict[str, Any]:
        return dict(self._get("/__sandbox/manifest"))

    def config(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "seed": self.seed,
            "rate": None if math.isinf(self.rate) else self.rate,
            "burst": self.burst,
            "latency_ms": self.latency_ms,
            "latency_jitter_ms": round(self.latency_ms / 3, 1),
        }


@contextlib.contextmanager
def sandbox(
    pages: int, rate: float = math.inf, burst: int = 10, latency_ms: float = 0.0
) -> Iterator[SandboxProc]:
    sb = SandboxProc(pages, rate, burst, latency_ms).start()
    try:
        yield sb
    finally:
        sb.stop()


def minimum_requests(manifest: dict[str, Any]) -> dict[str, int]:
    from notion_sync.sandbox.manifest import minimum_requests as _minimum

    return _minimum(manifest)


def peer_minimum(manifest: dict[str, Any]) -> dict[str, int]:
    """Minimum requests to export, block content only, every shared page search returns.

    What a page-by-page exporter (the peers) needs: search pages, plus one children list per
    100 children of each block with children of each page search returns. No comments, no
    data source queries, no property items, no users.
    """
    searchable = [p for p in manifest["pages"] if p["shared"] and p["in_search"]]
    n_search = sum(1 for _ in searchable) + sum(1 for d in manifest["data_sources"] if d["shared"])
    children = sum(max(1, math.ceil(n / 100)) for p in searchable for n in p["children_counts"])
    search = max(1, math.ceil(n_search / 100))
    return {
        "POST /v1/search": search,
        "GET /v1/blocks/{id}/children": children,
        "total": search + children,
    }


def workspace_summary(manifest: dict[str, Any]) -> dict[str, Any]:
    pages = manifest["pages"]
    shared = [p for p in pages if p["shared"]]
    return {
        "pages": len(pages),
        "shared_pages": len(shared),
        "pages_in_search": sum(1 for p in shared if p["in_search"]),
        "pages_only_via_child_page_blocks": sum(1 for p in shared if not p["in_search"]),
        "data_sources": len(manifest["data_sources"]),
        "databases": len(manifest["databases"]),
        "blocks": sum(p["block_count"] for p in shared),
        "comments": sum(p["comment_count"] + p["block_comment_count"] for p in shared),
        "users": len(manifest["users"]),
    }


class StatsPoller:
    """Polls ``/__sandbox/stats`` once a second: requests and 429s over time."""

    def __init__(self, sb: SandboxProc, interval: float = 1.0) -> None:
        self.sb, self.interval = sb, interval
        self.samples: list[tuple[float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.t0 = 0.0

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                s = self.sb.stats()
                self.samples.append(
                    (time.monotonic() - self.t0, s["requests_total"], s["rate_limited"])
                )
            self._stop.wait(self.interval)

    def __enter__(self) -> StatsPoller:
        self.t0 = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def series(self) -> dict[str, list[float]]:
        """Per-interval request rate (req/s) and cumulative counts, for the plot."""
        t, rps, r429 = [], [], []
        for (t0, n0, l0), (t1, n1, l1) in zip(self.samples, self.samples[1:], strict=False):
            dt = t1 - t0
            if dt <= 0:
                continue
            t.append(round(t1, 2))
            rps.append(round((n1 - n0) / dt, 2))
            r429.append(l1 - l0)
        return {"t": t, "rps": rps, "rate_limited": r429}


@dataclass
class ProcSampler:
    """Samples RSS and CPU time of named process roles every ``interval`` seconds.

    ``roles()`` returns ``{role: [pids]}`` each time, so processes that start later (the
    worker, the broker) are picked up. Peak RSS is kept per role and per process.
    """

    roles: Callable[[], dict[str, list[int]]]
    interval: float = 0.25
    peak_rss: dict[str, int] = field(default_factory=dict)
    cpu_seconds: dict[int, float] = field(default_factory=dict)
    rss_series: list[tuple[float, dict[str, int]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _procs: dict[int, psutil.Process] = field(default_factory=dict)

    def _proc(self, pid: int) -> psutil.Process | None:
        proc = self._procs.get(pid)
        if proc is None:
            try:
                proc = self._procs[pid] = psutil.Process(pid)
            except psutil.Error:
                return None
        return proc

    def sample(self) -> None:
        now: dict[str, int] = {}
        try:
            roles = self.roles()
        except Exception:
            return
        for role, pids in roles.items():
            for pid in pids:
                proc = self._proc(pid)
                if proc is None:
                    continue
                try:
                    with proc.oneshot():
                        rss = proc.memory_info().rss
                        cpu = proc.cpu_times()
                except psutil.Error:
                    continue
                self.cpu_seconds[pid] = cpu.user + cpu.system
                now[role] = max(now.get(role, 0), rss)
        for role, rss in now.items():
            self.peak_rss[role] = max(self.peak_rss.get(role, 0), rss)
        self.rss_series.append((time.monotonic(), now))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> ProcSampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def peaks_mb(self) -> dict[str, float]:
        return {role: round(rss / MB, 1) for role, rss in sorted(self.peak_rss.items())}


class LoadMeter:
    """The machine's load while a benchmark runs, so results say what else was running."""

    def __enter__(self) -> LoadMeter:
        self.load_start = os.getloadavg()
        self.cpu0 = psutil.cpu_times()
        self.t0 = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.load_end = os.getloadavg()
        cpu1 = psutil.cpu_times()
        self.wall = time.monotonic() - self.t0
        busy = lambda c: c.user + c.nice + c.system + c.irq + c.softirq + c.steal  # noqa: E731
        self.busy_seconds = busy(cpu1) - busy(self.cpu0)

    def report(self, own_cpu_seconds: float) -> dict[str, Any]:
        ncpu = psutil.cpu_count() or 1
        capacity = self.wall * ncpu
        other = max(0.0, self.busy_seconds - own_cpu_seconds)
        return {
            "loadavg_1m_start": round(self.load_start[0], 2),
            "loadavg_1m_end": round(self.load_end[0], 2),
            "machine_cpu_busy_pct": round(100 * self.busy_seconds / capacity, 1),
            "measured_processes_cpu_pct": round(100 * own_cpu_seconds / capacity, 1),
            "other_processes_cpu_pct": round(100 * other / capacity, 1),
            "cores": ncpu,
        }


def machine() -> dict[str, Any]:
    vm = psutil.virtual_memory()
    try:
        cpu_model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu_model = platform.processor()
    return {
        "cores": psutil.cpu_count(),
        "cpu": cpu_model,
        "memory_gib": round(vm.total / 1024**3, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "node": _version(["node", "--version"]),
    }


def _version(cmd: list[str]) -> str | None:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def rate_limited_total(stats: dict[str, Any]) -> int:
    return int(stats.get("rate_limited", 0))


def failures_total(stats: dict[str, Any]) -> int:
    """Answers other than 2xx, 404 (unshared pages) and 429 (counted separately)."""
    bad = 0
    for statuses in stats["by_endpoint"].values():
        for status, n in statuses.items():
            if not (status.startswith("2") or status in ("404", "429")):
                bad += n
    return bad


@contextlib.contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"notion-sync-bench-{prefix}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
