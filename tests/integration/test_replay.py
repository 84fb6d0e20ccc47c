"""Issue 5: byte-identical exports; replay from the retained topics with no Notion request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from notion_sync.store.documents import STATE_DIR
from tests.fixtures.pipeline import Pipeline, PipelineFactory

FORMATS = ("json", "markdown", "html", "csv")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path, without the manifest and the state dir."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and path.name != "manifest.json"
        and STATE_DIR not in path.relative_to(root).parts
    }


def replay(pipeline: Pipeline, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``notion-sync replay`` as a user runs it, against the pipeline's broker and prefix."""
    return subprocess.run(
        [sys.executable, "-m", "notion_sync", "replay", *args],
        env=pipeline.env(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads((out / "manifest.json").read_bytes())
    return data


def test_two_exports_are_byte_identical_and_replay_makes_no_notion_request(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=40)
    pipeline.start_worker()
    first, second = tmp_path / "first", tmp_path / "second"
    first_id = pipeline.request(first, formats=FORMATS)
    assert pipeline.wait(first_id).state == "completed"
    second_id = pipeline.request(second, formats=FORMATS)
    assert pipeline.wait(second_id).state == "completed"

    direct = tree(first)
    for fmt in FORMATS:
        assert any(name.startswith(f"{fmt}/") for name in direct), fmt
    stored = (first / STATE_DIR / "documents").rglob("*.json")
    assert any(b"expiry_time" in path.read_bytes() for path in stored), "no signed file URLs served"
    other = tree(second)
    assert sorted(other) == sorted(direct)
    differing = [name for name in direct if direct[name] != other[name]]
    assert differing == []

    pipeline.sandbox.reset_stats()
    out = tmp_path / "replayed"
    done = replay(pipeline, "--export-id", first_id, "--format", "html,markdown", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert pipeline.sandbox.stats()["requests_total"] == 0
    assert f"from topic {pipeline.names.entities}" in done.stdout
    replayed = tree(out)
    for fmt in ("markdown", "html"):
        mine = {k: v for k, v in replayed.items() if k.startswith(f"{fmt}/")}
        theirs = {k: v for k, v in direct.items() if k.startswith(f"{fmt}/")}
        assert mine and sorted(mine) == sorted(theirs), fmt
        assert [k for k in mine if mine[k] != theirs[k]] == [], fmt
    assert not any(k.startswith(("json/", "csv/")) for k in replayed)
    info = manifest(out)
    assert info["export_id"] == first_id
    assert info["replay"]["source"] == "topic"
    assert info["replay"]["topic"] == pipeline.names.entities
    assert info["request"]["formats"] == ["html", "markdown"]
    assert info["counts"]["requests"] == 0
    assert info["counts"]["documents"] == manifest(first)["counts"]["documents"]

    latest = tmp_path / "latest"
    done = replay(pipeline, "--latest", "--format", "markdown", "--out", str(latest))
    assert done.returncode == 0, done.stderr
    assert manifest(latest)["export_id"] == second_id  # the newest completed export
    replayed_latest = tree(latest)
    assert "README.md" in replayed_latest
    assert {k: v for k, v in replayed_latest.items() if k.startswith("markdown/")} == {
        k: v for k, v in other.items() if k.startswith("markdown/")
    }
    assert pipeline.sandbox.stats()["requests_total"] == 0


def test_replay_falls_back_to_the_store_on_disk_when_the_topics_lack_the_export(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=15)
    pipeline.start_worker()
    original = tmp_path / "original"
    export_id = pipeline.request(original, formats=("json", "markdown"))
    assert pipeline.wait(export_id).state == "completed"
    pipeline.sandbox.reset_stats()

    out = tmp_path / "replayed"
    empty_prefix = f"{pipeline.prefix}-elsewhere"  # a cluster namespace that never saw it
    done = replay(
        pipeline,
        "--export-id",
        export_id,
        "--format",
        "markdown",
        "--out",
        str(out),
        NOTION_SYNC_KAFKA__TOPIC_PREFIX=empty_prefix,
    )
    assert done.returncode != 0  # without --from there is nothing to fall back on
    assert "--from" in done.stderr

    done = replay(
        pipeline,
        "--export-id",
        export_id,
        "--format",
        "markdown,html",
        "--out",
        str(out),
        "--from",
        str(original),
        NOTION_SYNC_KAFKA__TOPIC_PREFIX=empty_prefix,
    )
    assert done.returncode == 0, done.stderr
    assert f"from disk store {original / STATE_DIR}" in done.stdout
    assert pipeline.sandbox.stats()["requests_total"] == 0
    info = manifest(out)
    assert info["replay"]["source"] == "disk"
    assert info["replay"]["store"] == str(original / STATE_DIR)
    assert "no export" in info["replay"]["fallback_reason"]
    assert info["export_id"] == export_id
    direct = {k: v for k, v in tree(original).items() if k.startswith("markdown/")}
    assert {k: v for k, v in tree(out).items() if k.startswith("markdown/")} == direct
    assert any(k.startswith("html/") for k in tree(out))
    assert not (out / STATE_DIR / "documents").exists()  # read in place, not copied

    gone = tmp_path / "gone"
    done = replay(
        pipeline,
        "--latest",
        "--format",
        "markdown",
        "--out",
        str(gone),
        "--from",
        str(original),
        "--timeout",
        "3",
        NOTION_SYNC_KAFKA__BROKER="kafka://127.0.0.1:9",
    )
    assert done.returncode == 0, done.stderr
    assert "from disk store" in done.stdout and "topics unavailable" in done.stdout
    assert {k: v for k, v in tree(gone).items() if k.startswith("markdown/")} == direct
