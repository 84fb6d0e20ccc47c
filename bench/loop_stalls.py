"""Event-loop stalls of the worker during an export: the longest, and every one of 100 ms or more.

    python -m bench.loop_stalls --pages 1000

``notion-sync run`` as a user runs it (Markdown only; the worker logs at its default
``worker.log_level``, INFO) against a sandbox at a high limit (1000 req/s, burst 200, no
latency; 16 requests / 32 tasks in flight, as ``bench.scale``). The worker's loop is
watched by ``notion_sync.core.loop_monitor`` (wake-ups every 20 ms): its gauge and
histogram are scraped from the worker's ``/metrics`` twice a second until the export
ends, and its warnings (one per stall of 100 ms or more) are read back from the log.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import threading
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import HIGH_BURST, HIGH_RATE, exit_on_sigterm, sandbox, workdir
from bench.nsrun import run_notion_sync
from notion_sync.store.documents import STATE_DIR

_STALL = re.compile(r"the event loop stalled for (\d+) ms \((\d+) ms on the CPU\)")
_SAMPLE = re.compile(r'^(notion_sync_event_loop_\w+?)(?:\{le="([^"]+)"\})? (\S+)$', re.MULTILINE)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def parse_metrics(text: str) -> dict[str, Any]:
    """The loop monitor's longest stall and its histogram (wake-ups by lateness bucket)."""
    figures: dict[str, Any] = {"buckets": {}}
    for name, le, value in _SAMPLE.findall(text):
        if name == "notion_sync_event_loop_longest_stall_seconds":
            figures["longest_stall_ms"] = round(float(value) * 1000, 1)
        elif name == "notion_sync_event_loop_stall_seconds_bucket":
            figures["buckets"][le] = int(float(value))
        elif name == "notion_sync_event_loop_stall_seconds_count":
            figures["wake_ups"] = int(float(value))
    return figures


class _Scraper(threading.Thread):
    """Keeps the last ``/metrics`` answer of the worker while it runs."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/metrics"
        self.last = ""
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            try:
                with urllib.request.urlopen(self.url, timeout=2) as answer:
                    self.last = answer.read().decode()
            except OSError:
                continue  # not up yet, or gone


def bench_loop_stalls(pages: int, *, keep_log: Path | None = None) -> dict[str, Any]:
    port = _free_port()
    scraper = _Scraper(port)
    with sandbox(pages, rate=HIGH_RATE, burst=HIGH_BURST) as sb, workdir("stalls") as work:

        def logs(_env: dict[str, str], out: Path) -> str:
            worker_log = out / STATE_DIR / "worker.log"  # where `run` puts the worker's log
            worker = worker_log.read_text(errors="replace") if worker_log.exists() else ""
            return (work / "run.log").read_text(errors="replace") + worker

        scraper.start()
        try:
            run = run_notion_sync(
                sb,
                work,
                rate=HIGH_RATE,
                burst=HIGH_BURST,
                concurrency=16,
                task_concurrency=32,
                timeout=900,
                web_port=port,
                after=logs,
            )
        finally:
            scraper.done.set()
    text = run["after"] if isinstance(run["after"], str) else ""
    if keep_log is not None:
        keep_log.write_text(text)
    return {
        "pages": pages,
        "exit_code": run["exit_code"],
        "wall_s": round(run["wall_s"], 1),
        "pages_exported": run["pages_exported"],
        **parse_metrics(scraper.last),
        "stalls_over_100ms": [
            {"ms": int(ms), "cpu_ms": int(cpu)} for ms, cpu in _STALL.findall(text)
        ],
        "log_tail": run["log_tail"],
    }


def main(argv: list[str] | None = None) -> None:
    exit_on_sigterm()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--keep-log", type=Path, help="copy the run's log here")
    args = ap.parse_args(argv)
    print(json.dumps(bench_loop_stalls(args.pages, keep_log=args.keep_log), indent=2))


if __name__ == "__main__":
    main()
