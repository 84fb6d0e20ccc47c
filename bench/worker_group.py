"""Worker processes in one consumer group, for a benchmark: started, waited for, asked, stopped.

Each worker is ``notion-sync worker`` with its own state directory and health port, so
several run side by side on one machine; ``served()`` reads from each worker's
``/metrics`` which integrations it holds a rate bucket for (those it fetched for).
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.common import subject_python

_BUCKET = re.compile(r'notion_sync_rate_limiter_tokens\{integration="([^"]+)"\}')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    """Status and body, or (0, "") while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except OSError:
        return 0, ""


class WorkerGroup:
    """``count`` workers started in ``work`` with ``env`` (which names the group's prefix)."""

    def __init__(self, count: int, work: Path, env: dict[str, str]) -> None:
        self.workers: list[tuple[subprocess.Popen[bytes], int]] = []
        for i in range(count):
            port = _free_port()
            own = {
                **env,
                "NOTION_SYNC_WORKER__WEB_PORT": str(port),
                "NOTION_SYNC_WORKER__STATE_DIR": str(work / f"worker-{i}"),
            }
            with (work / f"worker-{i}.log").open("wb") as log:
                proc = subprocess.Popen(
                    [subject_python(), "-m", "notion_sync", "worker"],
                    env=own,
                    cwd=work,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            self.workers.append((proc, port))

    @property
    def pids(self) -> list[int]:
        return [proc.pid for proc, _ in self.workers]

    def any_dead(self) -> bool:
        return any(proc.poll() is not None for proc, _ in self.workers)

    def wait_ready(self, timeout: float) -> None:
        """Until every worker's ``/readyz`` answers 200 (a dead worker ends it at once)."""
        deadline = time.monotonic() + timeout
        while not all(_get(f"http://127.0.0.1:{p}/readyz")[0] == 200 for _, p in self.workers):
            if self.any_dead() or time.monotonic() > deadline:
                raise RuntimeError(f"{len(self.workers)} workers not ready (see worker-*.log)")
            time.sleep(0.2)  # pacing between probes; the probe decides

    def served(self) -> list[list[str]]:
        """Per worker, the integrations it has fetched for."""
        return [
            sorted(set(_BUCKET.findall(_get(f"http://127.0.0.1:{port}/metrics")[1])))
            for _, port in self.workers
        ]

    def stop(self) -> None:
        """SIGTERM every worker, then wait (kill one that takes over 30 s)."""
        for proc, _ in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.workers:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
