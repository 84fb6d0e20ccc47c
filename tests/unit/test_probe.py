"""A broker address where nothing listens is refused at once, with the fix."""

from __future__ import annotations

import socket
import time

import pytest
from click.testing import CliRunner

from notion_sync.cli.main import main
from notion_sync.core.errors import BrokerError, ExitCode
from notion_sync.kafka.probe import ensure_reachable


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_listening_server_in_the_list_is_enough(closed_port: int) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        ensure_reachable(f"127.0.0.1:{closed_port},127.0.0.1:{port}")


def test_nothing_listening_is_one_error_naming_every_server(closed_port: int) -> None:
    with pytest.raises(BrokerError, match=f"127.0.0.1:{closed_port}: Connection refused"):
        ensure_reachable(f"127.0.0.1:{closed_port}")


@pytest.mark.parametrize(
    "command",
    [["status"], ["worker"], ["request", "--out", "."], ["replay", "--latest", "--out", "."]],
)
def test_every_command_says_the_broker_is_unreachable_in_one_line(
    command: list[str], closed_port: int
) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(main, [*command, "--broker", f"kafka://127.0.0.1:{closed_port}"])
    assert time.monotonic() - started < 5
    lines = [line for line in result.output.splitlines() if line.strip()]
    if command[0] == "replay":  # falls back to the disk store, and says why it cannot
        assert result.exit_code == 1 and "cannot reach Kafka" in result.output
        return
    assert result.exit_code == ExitCode.BROKER_UNREACHABLE, result.output
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach Kafka"), lines
    assert "Traceback" not in result.output
