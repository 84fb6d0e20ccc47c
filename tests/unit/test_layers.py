"""The layers in pyproject.toml are contracts: a wrong import fails ``make lint``.

Each case copies the package, adds one import that crosses a layer, and runs import-linter
on the copy with the project's own contracts.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "notion_sync", tmp_path / "notion_sync")
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_tree_as_it_is_keeps_every_contract(tree: Path) -> None:
    done = _lint(tree)
    assert done.returncode == 0, done.stdout
    assert "broken" not in done.stdout.split("Contracts:")[-1].split(",")[0]


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/errors.py", "import notion_sync.sinks.names", "Layers"),
        ("notion/client.py", "import notion_sync.store.files", "Layers"),
        ("kafka/topics.py", "import notion_sync.streams.tasks", "Layers"),
        ("streams/planner.py", "import notion_sync.producers.request", "Layers"),
        ("streams/fetcher.py", "import notion_sync.sandbox", "The sandbox is a leaf"),
        ("sandbox/ids.py", "import notion_sync.core.errors", "The sandbox imports nothing"),
        ("sinks/markdown.py", "import faust", "Renderers know nothing of Kafka"),
        ("core/config.py", "import httpx", "The core needs no broker"),
        ("streams/scheduling.py", "import notion_sync.kafka.tables", "state machines are pure"),
    ],
)
def test_an_import_across_a_layer_breaks_its_contract(
    tree: Path, module: str, line: str, contract: str
) -> None:
    path = tree / "notion_sync" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    done = _lint(tree)
    assert done.returncode != 0
    broken = done.stdout.split("Broken contracts")[1]
    assert contract in broken and line.split()[-1] in broken
