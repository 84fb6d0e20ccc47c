"""Replay: re-render pages to Markdown and to HTML from the retained topic, zero Notion requests.

    python -m bench.replay --pages 10000

Exports the sandbox once (high limit, Markdown), then, with the embedded broker still up,
runs ``notion-sync replay --latest --format markdown`` and ``--format html`` into new
directories, timing each and counting the sandbox's requests meanwhile (must be 0). The
suite reuses the 10,000-page scale export for this instead of exporting twice.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.common import (
    HIGH_BURST,
    HIGH_RATE,
    ProcSampler,
    SandboxProc,
    exit_on_sigterm,
    python,
    sandbox,
    workdir,
)


def replay_available() -> bool:
    res = subprocess.run(
        [python(), "-m", "notion_sync", "replay", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return res.returncode == 0


def _count_files(root: Path, suffix: str) -> int:
    return sum(1 for p in root.rglob(f"*{suffix}") if ".notion-sync" not in p.parts)


def measure_replay(
    sb: SandboxProc, env: dict[str, str], out: Path, pages_exported: int
) -> dict[str, Any]:
    """Replay the export just made into Markdown and into HTML; time both."""
    result: dict[str, Any] = {"available": True, "measured": True, "formats": {}}
    for fmt, suffix in (("markdown", ".md"), ("html", ".html")):
        target = out.parent / f"replay-{fmt}"
        sb.reset_stats()
        holder: dict[str, int] = {}
        sampler = ProcSampler(lambda h=holder: {"replay": [h["pid"]] if "pid" in h else []})
        with sampler:
            t0 = time.monotonic()
            proc = subprocess.Popen(
                [
                    python(),
                    "-m",
                    "notion_sync",
                    "replay",
                    "--latest",
                    "--format",
                    fmt,
                    "--out",
                    str(target),
                    "--timeout",
                    "1200",
                ],
                env=env,
                cwd=out.parent,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            holder["pid"] = proc.pid
            stdout, _ = proc.communicate(timeout=1800)
            wall = time.monotonic() - t0
        text = stdout.decode(errors="replace")
        inner = re.search(r"documents in ([0-9.]+)s", text)
        files = _count_files(target, suffix)
        stats = sb.stats()
        result["formats"][fmt] = {
            "exit_code": proc.returncode,
            "wall_s": round(wall, 2),
            "files_written": files,
            "pages_per_s": round(pages_exported / wall, 1) if wall else None,
            "render_s_reported": float(inner.group(1)) if inner else None,
            "notion_requests": stats["requests_total"],
            "from_topic": "from topic" in text,
            "peak_rss_mb": sampler.peaks_mb().get("replay"),
            "output": text[-400:],
        }
    return result


def bench_replay(pages: int = 10000) -> dict[str, Any]:
    if not replay_available():
        return {
            "benchmark": "replay",
            "pages": pages,
            "available": False,
            "note": "not available: `notion-sync replay` does not exist in this build",
        }
    from bench.nsrun import run_notion_sync

    with sandbox(pages, rate=HIGH_RATE, burst=HIGH_BURST) as sb, workdir("replay") as work:
        holder: dict[str, Any] = {}

        def after(env: dict[str, str], out: Path) -> dict[str, Any]:
            manifest = json.loads((out / "manifest.json").read_text())
            exported = manifest["counts"]["documents"].get("page", 0)
            return measure_replay(sb, env, out, exported)

        run = run_notion_sync(
            sb,
            work,
            rate=HIGH_RATE,
            burst=HIGH_BURST,
            concurrency=16,
            task_concurrency=32,
            after=after,
        )
        holder.update(run["after"] or {})
    return summarise(pages, run["pages_exported"], holder)


def summarise(pages: int, exported: int, measured: dict[str, Any]) -> dict[str, Any]:
    res: dict[str, Any] = {
        "benchmark": "replay",
        "pages": pages,
        "pages_exported": exported,
        **measured,
    }
    if "error" in measured:
        res.update(available=True, measured=False, note=f"replay failed: {measured['error']}")
    return res


def main(argv: list[str] | None = None) -> None:
    exit_on_sigterm()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10000)
    args = ap.parse_args(argv)
    print(json.dumps(bench_replay(args.pages), indent=2))


if __name__ == "__main__":
    main()
