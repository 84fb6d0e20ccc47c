"""``notion-sync sandbox`` as a process: base URL on the first line, serves, stops on TERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from click.testing import CliRunner

from notion_sync.cli.sandbox import sandbox

ROOT = Path(__file__).resolve().parents[2]


def test_serves_until_sigterm() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NOTION_SYNC_SANDBOX_PAGES": "40",
        "NOTION_SYNC_SANDBOX_TOKEN": "cli-token",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "notion_sync.cli.sandbox", "--seed", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        resp = httpx.get(
            f"{base_url}/v1/users/me",
            headers={"Authorization": "Bearer cli-token", "Notion-Version": "2025-09-03"},
            timeout=60,
        )
        assert resp.status_code == 200 and resp.json()["type"] == "bot"
        manifest = httpx.get(f"{base_url}/__sandbox/manifest", timeout=30).json()
        assert manifest["seed"] == 5 and len(manifest["pages"]) == 40
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_help_lists_every_option() -> None:
    result = CliRunner().invoke(sandbox, ["--help"])
    assert result.exit_code == 0
    for option in (
        "--host",
        "--port",
        "--pages",
        "--seed",
        "--rate",
        "--burst",
        "--latency-ms",
        "--fault-rate",
        "--token",
        "--file-url-ttl",
    ):
        assert option in result.output
