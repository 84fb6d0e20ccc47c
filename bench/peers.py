"""Peers side by side: notion-sync, notion-to-md (npm) and notion2md (PyPI) on one sandbox.

    python -m bench.peers --pages 200 [--rate 20] [--latency-ms 150]

All three export the same workspace from the same sandbox process (same limit, burst and
latency; stats reset and the token bucket left to refill between tools), to Markdown. The
peers export each page search returns, one after another, as their documentation shows
(``bench/peers/``); notion-sync exports the whole workspace (pages reachable only through
``child_page`` blocks, databases and data sources, comments, users, files).
Install the peers alone with ``python -m bench.peers --install``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    TOKEN,
    LoadMeter,
    ProcSampler,
    SandboxProc,
    StatsPoller,
    exit_on_sigterm,
    failures_total,
    minimum_requests,
    peer_minimum,
    sandbox,
    workdir,
    workspace_summary,
)
from bench.nsrun import run_notion_sync

PEERS_DIR = ROOT / "bench" / "peers"
PEER_VENV = ROOT / "bench" / ".peer-venv"
NOTION2MD = "notion2md==2.9.0"

CAPABILITIES = {
    "notion-sync": {
        "whole_workspace": "yes (search + child_page/child_database blocks)",
        "databases": "yes (data sources queried, rows exported)",
        "comments": "yes",
        "files": "downloaded",
        "pages_not_in_search": "yes",
    },
    "notion-to-md": {
        "whole_workspace": "no: one page per call; the wrapper lists pages with search",
        "databases": "no: child_database blocks become a title only; rows are "
        "exported as plain pages (search returns them), no table",
        "comments": "no",
        "files": "links only (not downloaded)",
        "pages_not_in_search": "no (missed)",
    },
    "notion2md": {
        "whole_workspace": "no: one page per call; the wrapper lists pages with search",
        "databases": "no: child_database blocks are not rendered; rows are exported "
        "as plain pages (search returns them), no table",
        "comments": "no",
        "files": "links only (download=False)",
        "pages_not_in_search": "no (missed)",
    },
}


def install_peers() -> dict[str, str]:
    """npm install into bench/peers/node_modules; notion2md into bench/.peer-venv."""
    probe_js = subprocess.run(
        ["node", "-e", "require('notion-to-md'); require('@notionhq/client')"],
        cwd=PEERS_DIR,
        capture_output=True,
    )
    if probe_js.returncode:  # missing or partial node_modules
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=PEERS_DIR, check=True
        )
    py = PEER_VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    probe = subprocess.run(
        [str(py), "-c", "import notion2md.exporter.block, notion_client"], capture_output=True
    )
    if probe.returncode:  # missing or damaged: reinstall
        subprocess.run(
            [str(py), "-m", "pip", "install", "--quiet", "--force-reinstall", NOTION2MD], check=True
        )
    return versions()


def versions() -> dict[str, str]:
    out: dict[str, str] = {}
    for pkg in ("notion-to-md", "@notionhq/client"):
        try:
            data = json.loads((PEERS_DIR / "node_modules" / pkg / "package.json").read_text())
            out[pkg] = data["version"]
        except OSError:
            out[pkg] = "not installed"
    py = PEER_VENV / "bin" / "python"
    for pkg in ("notion2md", "notion-client"):
        res = subprocess.run(
            [str(py), "-c", f"import importlib.metadata as m;print(m.version('{pkg}'))"],
            capture_output=True,
            text=True,
        )
        out[pkg] = res.stdout.strip() or "not installed"
    return out


def run_peer(name: str, sb: SandboxProc, work: Path, timeout: float = 3600) -> dict[str, Any]:
    out = work / name
    if name == "notion-to-md":
        cmd = ["node", str(PEERS_DIR / "notion-to-md-export.js"), sb.base_url, TOKEN, str(out)]
    else:
        cmd = [
            str(PEER_VENV / "bin" / "python"),
            str(PEERS_DIR / "notion2md_export.py"),
            sb.base_url,
            TOKEN,
            str(out),
        ]
    sb.reset_stats()
    holder: dict[str, int] = {}

    def roles() -> dict[str, list[int]]:
        return {
            name: [holder["pid"]] if "pid" in holder else [],
            "sandbox (not the peer)": [sb.proc.pid] if sb.proc else [],
        }

    with LoadMeter() as load, StatsPoller(sb) as poller, ProcSampler(roles) as sampler:
        t0 = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=work,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
        holder["pid"] = proc.pid
        stdout, stderr = proc.communicate(timeout=timeout)
        wall = time.monotonic() - t0
    stats = sb.stats()
    try:
        summary = json.loads(stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        summary = {"error": stderr.decode(errors="replace")[-600:]}
    return {
        "tool": name,
        "exit_code": proc.returncode,
        "wall_s": round(wall, 2),
        "requests_sandbox": stats["requests_total"],
        "rate_limited": stats["rate_limited"],
        "failures_http": failures_total(stats),
        "retry_after_violations": stats.get("retry_after_violations", 0),
        "by_endpoint": stats["by_endpoint"],
        "pages_exported": summary.get("pages_exported", 0),
        "failed_pages": summary.get("failures", 0),
        "summary": summary,
        "peak_rss_mb": sampler.peaks_mb(),
        "load": load.report(sum(sampler.cpu_seconds.values())),
        "rps_series": poller.series(),
    }


def bench_peers(
    pages: int = 200,
    rate: float = 20.0,
    burst: int = 10,
    latency_ms: float = 150.0,
    install: bool = True,
) -> dict[str, Any]:
    vers = install_peers() if install else versions()
    tools: dict[str, Any] = {}
    with (
        sandbox(pages, rate=rate, burst=burst, latency_ms=latency_ms) as sb,
        workdir("peers") as work,
    ):
        (work / "notion-sync").mkdir()
        ns = run_notion_sync(sb, work / "notion-sync", rate=rate, burst=burst)
        tools["notion-sync"] = {
            "tool": "notion-sync",
            "exit_code": ns["exit_code"],
            "wall_s": ns["wall_s"],
            "requests_sandbox": ns["requests_sandbox"],
            "rate_limited": ns["rate_limited"],
            "failures_http": ns["failures_http"],
            "pages_exported": ns["pages_exported"],
            "failed_pages": ns["failed_documents"],
            "documents": ns["documents"],
            "by_endpoint": ns["by_endpoint"],
            "peak_rss_mb": ns["peak_rss_mb"],
            "load": ns["load"],
            "rps_series": ns["rps_series"],
            "retry_after_violations": ns["retry_after_violations"],
        }
        for name in ("notion-to-md", "notion2md"):
            time.sleep(burst / rate + 0.5)  # let the sandbox's token bucket refill
            tools[name] = run_peer(name, sb, work)
        manifest = sb.manifest()
        sandbox_cfg = sb.config()
    ns_t = tools["notion-sync"]
    for name in ("notion-to-md", "notion2md"):
        peer = tools[name]
        peer["notion_sync_ratio"] = {
            "wall": round(ns_t["wall_s"] / peer["wall_s"], 3) if peer["wall_s"] else None,
            "requests": round(ns_t["requests_sandbox"] / peer["requests_sandbox"], 3)
            if peer["requests_sandbox"]
            else None,
            "wall_per_page": round(
                (ns_t["wall_s"] / max(1, ns_t["pages_exported"]))
                / (peer["wall_s"] / max(1, peer["pages_exported"])),
                3,
            )
            if peer["pages_exported"]
            else None,
        }
        peer["capabilities"] = CAPABILITIES[name]
    ns_t["capabilities"] = CAPABILITIES["notion-sync"]
    return {
        "benchmark": "peers",
        "sandbox": sandbox_cfg,
        "versions": vers,
        "workspace": workspace_summary(manifest),
        "minimum_requests": {
            "notion-sync (whole workspace)": minimum_requests(manifest),
            "block content of pages in search (what peers export)": peer_minimum(manifest),
        },
        "tools": tools,
    }


def main(argv: list[str] | None = None) -> None:
    exit_on_sigterm()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--rate", type=float, default=20.0)
    ap.add_argument("--burst", type=int, default=10)
    ap.add_argument("--latency-ms", type=float, default=150.0)
    ap.add_argument("--install", action="store_true", help="only install the peers")
    args = ap.parse_args(argv)
    if args.install:
        print(json.dumps(install_peers()))
        return
    result = bench_peers(args.pages, args.rate, args.burst, args.latency_ms)
    print(
        json.dumps(
            {
                k: {f: v for f, v in t.items() if f not in ("rps_series", "by_endpoint")}
                for k, t in result["tools"].items()
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
