"""Another commit of notion-sync, installed beside this one, for side-by-side measurements.

These machines are noisy, so a figure means something only next to the same figure of the
previous commit taken in the same run. The commit is checked out with ``git worktree`` and
installed (not editable) into its own venv under ``bench/.baseline/`` (git-ignored), reused
while it exists.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.common import ROOT

BASELINES = ROOT / "bench" / ".baseline"


def resolve(rev: str) -> str:
    """The full commit id of ``rev``."""
    return subprocess.run(
        ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def baseline_python(rev: str) -> Path:
    """The interpreter of a venv holding notion-sync at ``rev`` (made on first use)."""
    commit = resolve(rev)
    home = BASELINES / commit[:12]
    python = home / "venv" / "bin" / "python"
    ready = home / ".installed"
    if ready.exists():
        return python
    source = home / "src"
    if not source.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(source), commit],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(source)],
        check=True,
        cwd=home,
    )
    ready.touch()
    return python
