"""Issue 6: bad requests are refused with what to fix; those reaching a worker fail fast."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.pipeline import PipelineFactory

#: Nothing listens here: a command that got as far as Kafka would fail with exit code 3.
NO_BROKER = "kafka://127.0.0.1:1"


def _request(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTION_SYNC_")}
    return subprocess.run(
        [sys.executable, "-m", "notion_sync", "request", "--broker", NO_BROKER, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--format", "json,pdf"],
            ["unknown format 'pdf'", "choose one or more of json, markdown, html, csv"],
        ),
        (
            ["--root", "not-a-page-id"],
            ["'not-a-page-id' is not a Notion page id", "expected 32 hex digits"],
        ),
        (["--root", "1234"], ["'1234' is not a Notion page id"]),
    ],
)
def test_bad_requests_are_refused_before_kafka(
    out_dir: Path, args: list[str], expected: list[str]
) -> None:
    result = _request("--out", str(out_dir), *args)
    assert result.returncode == 2, result
    for text in expected:
        assert text in result.stderr, result.stderr


def test_unwritable_output_dir_is_refused_before_kafka(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = _request("--out", str(blocker / "export"), "--format", "json")
    assert result.returncode == 2, result
    assert f"output directory '{blocker / 'export'}'" in result.stderr, result.stderr
    assert "is not a directory" in result.stderr, result.stderr
    assert "choose another --out" in result.stderr, result.stderr


def test_unknown_token_ref_fails_the_export_naming_it_then_the_worker_goes_on(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=10)
    pipeline.start_worker()
    failed = pipeline.wait(pipeline.request(tmp_path / "a", formats=("json",), token_ref="nosuch"))
    assert failed.state == "failed", failed
    assert "unknown token ref 'nosuch'" in (failed.reason or "")
    assert "NOTION_SYNC_TOKEN_NOSUCH" in (failed.reason or "")
    assert pipeline.sandbox.stats()["requests_total"] == 0
    done = pipeline.wait(pipeline.request(tmp_path / "b", formats=("json",)))
    assert done.state == "completed", done


def test_wrong_token_fails_fast_with_notions_message_and_no_retries(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    wrong = "secret-wrong-token-0123456789"
    pipeline = pipeline_factory(pages=10, extra_env={"NOTION_SYNC_TOKEN_STALE": wrong})
    sandbox = pipeline.sandbox
    worker = pipeline.start_worker()
    pipeline.wait(pipeline.request(tmp_path / "warmup", formats=("json",)))
    sandbox.reset_stats()

    started = time.monotonic()
    view = pipeline.wait(pipeline.request(tmp_path / "a", formats=("json",), token_ref="stale"))
    elapsed = time.monotonic() - started
    assert view.state == "failed", view
    reason = view.reason or ""
    assert "401 unauthorized" in reason and "API token is invalid" in reason, reason
    assert wrong not in (view.reason or "")
    stats = sandbox.stats()
    unauthorized = sum(s.get("401", 0) for s in stats["by_endpoint"].values())
    # One request per task that was sent (the user list and the search), never a retry.
    assert stats["requests_total"] == unauthorized <= 2, stats
    assert elapsed < 15, elapsed
    assert wrong not in worker.output()
    done = pipeline.wait(pipeline.request(tmp_path / "b", formats=("json",)))
    assert done.state == "completed", done
