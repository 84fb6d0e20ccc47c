"""One import package: the wheel installs ``notion_sync`` alone, and nothing in the user's
working directory can stand in for any part of it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.fixtures.pipeline import TOKEN_REF, PipelineFactory

REPO = Path(__file__).resolve().parents[2]
CARD_PARTS = ("schemas", "producers", "streams", "sinks")
PIP = (sys.executable, "-m", "pip")


def _build_wheel(into: Path) -> Path:
    subprocess.run(
        [*PIP, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(into), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = into.glob("notion_sync-*.whl")
    return wheel


def test_the_wheel_installs_notion_sync_alone_with_every_module_and_schema(
    tmp_path: Path,
) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        assert archive.read(top_level).decode().split() == ["notion_sync"]
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        stores = archive.read(entry_points).decode().split("[faust.stores]")[1]
        assert stores.split()[0:3] == [
            "notion-sync-sqlite",
            "=",
            "notion_sync.kafka.table_store:Store",
        ]
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {
        "notion_sync"
    }
    sources = {
        str(path.relative_to(REPO))
        for path in (REPO / "notion_sync").rglob("*")
        if path.suffix in (".py", ".css")
    }
    assert sources <= names
    schemas = {f"notion_sync/schemas/{p.name}" for p in (REPO / "schemas").glob("*.avsc")}
    assert len(schemas) > 10 and schemas <= names

    installed = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "--quiet", "--no-deps", "--target", str(installed), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = (
        "import notion_sync, notion_sync.kafka.codec as c\n"
        "print(notion_sync.__file__)\n"
        "print(len(c.codec().names))\n"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", probe],
        env={**os.environ, "PYTHONPATH": str(installed)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    where, names_known = done.stdout.split()
    assert where.startswith(str(installed))
    assert int(names_known) == 14


def _shadowing_project(folder: Path) -> Path:
    """A project with packages named like the design card's parts, each failing on import."""
    for name in CARD_PARTS:
        package = folder / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            f"raise ImportError('the user\\'s own {name} package was imported')\n"
        )
    return folder


def test_run_from_a_project_whose_packages_share_the_card_names_completes(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=12)
    project = _shadowing_project(tmp_path / "project")
    out = project / "export"
    env = {k: v for k, v in pipeline.env().items() if k != "NOTION_SYNC_NOTION__BASE_URL"}
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("notion-sync")),
            "run",
            *("--broker", pipeline.broker.url, "--notion-url", pipeline.sandbox.base_url),
            *("--out", str(out), "--format", "json,markdown", "--token-ref", TOKEN_REF),
        ],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=240,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "package was imported" not in done.stdout + done.stderr
    assert len(list((out / "markdown").rglob("*.md"))) >= 12
