"""``notion-sync doctor`` against the sandbox and the test broker: what is right, what is not
and what to change."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from notion_sync.cli.main import main
from notion_sync.core.errors import ExitCode
from notion_sync.sandbox import Sandbox
from tests.fixtures.kafka import TestBroker


def _doctor(*args: str) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(main, ["doctor", "--json", *args])
    return result.exit_code, json.loads(result.output)


def test_everything_right_is_all_ok(
    sandbox_thread: Sandbox,
    kafka_broker: TestBroker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTION_API_KEY", sandbox_thread.token)
    code, checks = _doctor(
        "--notion-url",
        sandbox_thread.base_url,
        "--broker",
        kafka_broker.url,
        "--out",
        str(tmp_path),
    )
    assert code == 0, checks
    assert [c["name"] for c in checks] == ["config", "token", "broker", "output"]
    assert all(c["ok"] for c in checks)
    token = next(c for c in checks if c["name"] == "token")
    assert "in workspace" in str(token["found"])
    assert sandbox_thread.stats()["requests_total"] == 1


def test_a_wrong_token_and_a_dead_broker_are_named_with_their_fixes(
    sandbox_thread: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_API_KEY", "ntn_not_the_right_one_at_all")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, checks = _doctor(
        "--notion-url", sandbox_thread.base_url, "--broker", f"kafka://127.0.0.1:{port}"
    )
    by_name = {c["name"]: c for c in checks}
    assert code == ExitCode.UNAUTHORIZED
    assert not by_name["token"]["ok"] and "refused the token" in str(by_name["token"]["found"])
    assert "ntn_not_the_right_one" not in json.dumps(checks)
    assert not by_name["broker"]["ok"] and "cannot reach Kafka" in str(by_name["broker"]["found"])
    assert by_name["output"]["ok"]


def test_a_bad_setting_stops_at_the_config(tmp_path: Path) -> None:
    config = tmp_path / "notion-sync.yaml"
    config.write_text("notion:\n  rate: -1\n")
    result = CliRunner().invoke(main, ["--config", str(config), "doctor"])
    assert result.exit_code == ExitCode.USAGE
    assert result.output.startswith("FAIL config") and "notion.rate" in result.output
