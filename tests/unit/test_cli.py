from __future__ import annotations

import logging
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from notion_sync.cli.common import CliContext
from notion_sync.cli.main import main
from notion_sync.cli.worker import worker_settings
from notion_sync.core.errors import EXIT_CODES

COMMANDS = ["worker", "request", "run", "status", "doctor", "demo", "broker", "sandbox", "replay"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_request_refuses_bad_input_before_kafka(tmp_path: Path) -> None:
    args = ["request", "--broker", "kafka://127.0.0.1:1", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--format", "json,pdf"])
    assert result.exit_code == 2
    assert "unknown format 'pdf': choose one or more of json, markdown, html, csv" in (
        result.output
    )
    result = CliRunner().invoke(main, [*args, "--root", "nope", "--root", "nor-this"])
    assert result.exit_code == 2
    assert "'nope' is not a Notion page id" in result.output
    assert "'nor-this' is not a Notion page id" in result.output


SHARED = {
    "--format": ["run", "request", "replay"],
    "--out": ["run", "request", "replay", "demo"],
    "--broker": ["run", "request", "worker", "status", "replay"],
    "--notion-url": ["run", "worker"],
    "--root": ["run", "request"],
    "--token-ref": ["run", "request"],
    "--log-level": ["run", "request", "worker", "status", "replay", "demo"],
}


@pytest.mark.parametrize("option", sorted(SHARED))
def test_a_shared_option_reads_the_same_on_every_command(option: str) -> None:
    helps = set()
    for command in SHARED[option]:
        output = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
        (line,) = [ln for ln in output.splitlines() if ln.strip().startswith(option + " ")]
        helps.add(line.split(option, 1)[1].split("  ", 1)[0].strip())  # its metavar
    assert len(helps) == 1, helps


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_text(command: str) -> None:
    command_obj = main.get_command(click.Context(main), command)
    assert command_obj is not None
    for param in command_obj.params:
        if isinstance(param, click.Option):
            assert param.help, f"{command} {param.opts[0]} has no help text"


def test_formats_default_to_all_four_everywhere() -> None:
    for command in ("run", "request", "replay"):
        output = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
        assert "[default: json,markdown,html,csv]" in output, command


@pytest.mark.parametrize("where", ["before", "after"])
def test_log_level_is_accepted_before_or_after_the_subcommand(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTION_SYNC_STATE_DIR", str(tmp_path))
    level = ["--log-level", "debug"]
    args = [*level, "status"] if where == "before" else ["status", *level]
    result = CliRunner().invoke(main, args)
    assert "No such option" not in result.output
    assert logging.getLogger().level == logging.DEBUG


def test_the_config_files_worker_log_level_is_honoured_unless_the_option_is_given(
    tmp_path: Path,
) -> None:
    config = tmp_path / "notion-sync.yaml"
    config.write_text("worker:\n  log_level: DEBUG\n")
    from_file = CliContext(config_file=config, overrides={})
    assert worker_settings(from_file, None, None).worker.log_level == "DEBUG"
    given = CliContext(config_file=config, overrides={}, log_level="ERROR")
    assert worker_settings(given, None, None).worker.log_level == "ERROR"


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


@pytest.mark.parametrize(
    "url", ["kafka+ssl://host:9093", "https://host:9092", "SASL_SSL://host:9093"]
)
def test_an_unknown_broker_url_scheme_is_refused(url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["status", "--broker", url])
    assert result.exit_code == 2
    assert f"unknown scheme '{url.split('://')[0]}://'" in result.output
    assert "kafka://HOST:PORT" in result.output


def test_the_readme_lists_every_exit_code_as_the_code_does() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for code, meaning in EXIT_CODES.items():
        assert f"| {int(code)} | {meaning} |" in readme, code
