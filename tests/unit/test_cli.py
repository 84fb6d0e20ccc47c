from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from notion_sync.cli.main import main

COMMANDS = ["worker", "request", "run", "status", "demo", "broker", "sandbox"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_request_refuses_bad_input_before_kafka(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "request",
            "--broker",
            "kafka://127.0.0.1:1",
            "--out",
            str(tmp_path),
            "--format",
            "pdf",
            "--root",
            "nope",
        ],
    )
    assert result.exit_code == 2
    assert "unknown format 'pdf'" in result.output
    assert "'nope' is not a Notion page id" in result.output


def test_bad_broker_url_names_the_fix(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["request", "--broker", "localhost", "--out", str(tmp_path), "--format", "json"]
    )
    assert result.exit_code == 2
    assert "kafka://HOST:PORT" in result.output


def test_status_without_a_broker_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_SYNC_STATE_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 1
    assert "no broker" in result.output


def test_broker_status_when_none_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_SYNC_STATE_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["broker", "status"])
    assert result.exit_code == 1
    assert "no embedded broker" in result.output
    assert CliRunner().invoke(main, ["broker", "stop"]).output.strip() == (
        "no embedded broker was running"
    )


def test_run_refuses_a_token_ref_it_cannot_resolve(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["run", "--broker", "kafka://127.0.0.1:1", "--out", str(tmp_path), "--token-ref", "acme"],
    )
    assert result.exit_code == 2
    assert "unknown token ref 'acme'" in result.output
    assert "NOTION_SYNC_TOKEN_ACME" in result.output
