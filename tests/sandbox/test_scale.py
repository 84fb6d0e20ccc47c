"""A 100,000-page workspace serves every kind of page and stays far below 500 MB.

How fast it starts is a benchmark figure, not a test: wall time depends on the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import asyncio, json, math
import httpx, psutil
from notion_sync.sandbox import Sandbox, SandboxConfig

async def main():
    sb = Sandbox(SandboxConfig(pages=100_000, seed=3, rate=math.inf))
    await sb.start()
    h = {"Authorization": f"Bearer {sb.token}", "Notion-Version": "2025-09-03"}
    async with httpx.AsyncClient(timeout=60) as http:
        body = (await http.post(f"{sb.base_url}/v1/search", json={}, headers=h)).json()
        for page in [r for r in body["results"] if r["object"] == "page"][:40]:
            r = await http.get(f"{sb.base_url}/v1/blocks/{page['id']}/children", headers=h)
            assert r.status_code == 200
        huge = [p for p in sb.state.ws.pages if p.special == "huge"]
        for p in huge:
            r = await http.get(f"{sb.base_url}/v1/blocks/{p.id}/children", headers=h)
            assert r.status_code == 200
    print(json.dumps({"rss_mb": psutil.Process().memory_info().rss / 2**20,
                      "pages": len(sb.state.ws.pages), "huge": len(huge)}))
    await sb.stop()

asyncio.run(main())
"""


def test_hundred_thousand_pages() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["pages"] == 100_000 and report["huge"] >= 25
    assert report["rss_mb"] < 500
