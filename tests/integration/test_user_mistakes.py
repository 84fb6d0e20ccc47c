"""The mistakes people make, as they make them: the real ``notion-sync`` command in a
subprocess, its output captured through a pipe. Each gets the right exit code, a message
that names the cause and the fix, and gets it fast."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from notion_sync.core.errors import ExitCode
from tests.fixtures.pipeline import TOKEN_REF, PipelineFactory

#: Faust's start-up spinner and rich's cursor and colour codes: none may reach a pipe.
SPINNER = set("◢◣◤◥⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏\b")


@pytest.fixture
def closed_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def notion_sync(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, cwd: Path | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("NOTION_SYNC_", "NOTION_API"))
    }
    started = time.monotonic()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("notion-sync")), *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )
    return done, time.monotonic() - started


def assert_plain(output: str) -> None:
    assert "\x1b" not in output, output[:400]
    assert not SPINNER & set(output), output[:400]
    assert "Traceback" not in output, output[-2000:]


def test_a_wrong_token_fails_run_at_once_without_showing_it(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    sandbox = pipeline_factory(pages=5).sandbox
    wrong = "ntn_definitely_not_the_token_0123456789"
    done, took = notion_sync(
        "run",
        *("--broker", "kafka://127.0.0.1:1", "--notion-url", sandbox.base_url),
        *("--out", str(tmp_path / "out")),
        env={"NOTION_API_KEY": wrong},
    )
    assert done.returncode == ExitCode.UNAUTHORIZED, done
    assert "401 unauthorized" in done.stderr and wrong not in done.stdout + done.stderr
    assert took < 10
    assert sandbox.stats()["requests_total"] == 1


def test_an_unreachable_notion_fails_run_at_once_with_the_cause(
    closed_port: int, tmp_path: Path
) -> None:
    done, took = notion_sync(
        "run",
        *("--notion-url", f"http://127.0.0.1:{closed_port}", "--out", str(tmp_path / "out")),
        env={"NOTION_API_KEY": "ntn_x"},
    )
    assert done.returncode == ExitCode.FAILED, done
    assert "cannot reach Notion" in done.stderr and "ConnectError" in done.stderr
    assert took < 10
    assert not (tmp_path / "out" / ".notion-sync" / "run.json").exists()


@pytest.mark.parametrize("command", [["worker"], ["status"], ["request", "--out", "/tmp/x"]])
def test_an_unreachable_broker_is_one_line_within_seconds(
    command: list[str], closed_port: int
) -> None:
    done, took = notion_sync(*command, "--broker", f"kafka://127.0.0.1:{closed_port}")
    assert done.returncode == ExitCode.BROKER_UNREACHABLE, done
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach Kafka" in lines[0], lines
    assert took < 8


def test_an_unknown_broker_scheme_is_refused() -> None:
    done, _ = notion_sync("status", "--broker", "kafka+ssl://host:9093")
    assert done.returncode == ExitCode.USAGE
    assert "unknown scheme 'kafka+ssl://'" in done.stderr


def test_an_unusable_out_is_refused_before_anything_is_published(tmp_path: Path) -> None:
    done, _ = notion_sync("run", "--out", "/proc/notion-export", env={"NOTION_API_KEY": "ntn_x"})
    assert done.returncode == ExitCode.USAGE, done
    assert "cannot write to --out '/proc/notion-export'" in done.stderr
    assert "choose another --out" in done.stderr
    assert_plain(done.stderr)


def test_an_object_store_out_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    done, _ = notion_sync(
        "run", "--out", "s3://exports/acme", env={"NOTION_API_KEY": "ntn_x"}, cwd=tmp_path
    )
    assert done.returncode == ExitCode.USAGE, done
    assert "'s3://exports/acme' is a URL" in done.stderr
    assert "pass a path" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_in_a_pipe_run_status_and_request_follow_print_plain_lines(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=15)
    env = {
        k: v
        for k, v in pipeline.env().items()
        if k.startswith("NOTION_SYNC_") and k != "NOTION_SYNC_NOTION__BASE_URL"
    }
    common = ("--broker", pipeline.broker.url, "--format", "markdown")
    run, _ = notion_sync(
        "run",
        *common,
        *("--notion-url", pipeline.sandbox.base_url, "--out", str(tmp_path / "a")),
        *("--token-ref", TOKEN_REF, "--log-level", "INFO"),
        env=env,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert_plain(run.stdout + run.stderr)
    assert "completed:" in run.stdout
    # The worker's log goes to a file beside the export, not onto the user's screen.
    assert "faust" not in run.stdout + run.stderr
    assert "faust" in (tmp_path / "a" / ".notion-sync" / "worker.log").read_text()

    status, _ = notion_sync("status", "--broker", pipeline.broker.url, env=env)
    assert status.returncode == 0, status
    assert_plain(status.stdout)
    header, *rows = status.stdout.splitlines()
    assert header.split("\t")[0] == "export_id"
    assert any(str(tmp_path / "a") in row.split("\t") for row in rows), rows  # not truncated

    pipeline.start_worker()
    follow, _ = notion_sync(
        "request",
        *common,
        *("--out", str(tmp_path / "b"), "--token-ref", TOKEN_REF, "--follow"),
        env=env,
        timeout=240,
    )
    assert follow.returncode == 0, follow.stderr[-3000:]
    assert_plain(follow.stdout + follow.stderr)
