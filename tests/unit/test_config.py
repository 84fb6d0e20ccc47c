"""Issue 7: every configuration error names the key and the fix; secrets never leak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from notion_sync.cli.main import main
from notion_sync.core.config import load_settings, resolve_token
from notion_sync.core.errors import ConfigError

TOKEN = "secret_0123456789abcdefghij"


def _yaml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _error(config_file: Path | None = None, **overrides: object) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(config_file, overrides)  # type: ignore[arg-type]
    return str(caught.value)


def test_bad_yaml_names_the_file(tmp_path: Path) -> None:
    message = _error(_yaml(tmp_path / "c.yaml", "kafka: [1\n"))
    assert "c.yaml is not valid YAML" in message


def test_yaml_must_be_a_mapping(tmp_path: Path) -> None:
    message = _error(_yaml(tmp_path / "c.yaml", "- kafka\n- notion\n"))
    assert "must hold a mapping (kafka:, notion:, worker:, markdown:)" in message


def test_unknown_key_says_remove_it(tmp_path: Path) -> None:
    message = _error(_yaml(tmp_path / "c.yaml", "notion:\n  rat: 2\n"))
    assert "notion.rat: unknown key; remove it from" in message
    assert "NOTION_SYNC_NOTION__RAT" in message


def test_bad_broker_url_names_the_key(tmp_path: Path) -> None:
    message = _error(_yaml(tmp_path / "c.yaml", "kafka:\n  broker: http://nope\n"))
    assert "kafka.broker" in message and "NOTION_SYNC_KAFKA__BROKER" in message


def test_negative_rate_names_the_bound(tmp_path: Path) -> None:
    message = _error(_yaml(tmp_path / "c.yaml", "notion:\n  rate: -1\n"))
    assert "notion.rate: Expected `float` > 0" in message
    assert "NOTION_SYNC_NOTION__RATE" in message


def test_a_token_that_is_not_a_string_names_the_key(tmp_path: Path) -> None:
    message = _error(_yaml(tmp_path / "c.yaml", "notion:\n  tokens: {team: 12345}\n"))
    assert "notion.tokens: Expected `str`, got `int`" in message
    assert "NOTION_SYNC_NOTION__TOKENS" in message


def test_unknown_endpoint_rate_lists_the_known_ones(tmp_path: Path) -> None:
    message = _error(_yaml(tmp_path / "c.yaml", "notion:\n  endpoint_rates: {pagez: 1}\n"))
    assert "notion.endpoint_rates" in message and "pagez" in message and "'pages'" in message


def test_missing_config_file_is_an_error_only_when_named(tmp_path: Path) -> None:
    assert "does not exist" in _error(tmp_path / "absent.yaml")
    assert load_settings().kafka.topic_prefix == "notion-sync"  # no ./notion-sync.yaml: defaults


def test_precedence_cli_then_env_then_dotenv_then_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _yaml(
        Path("notion-sync.yaml"),
        "notion: {rate: 1.0, burst: 3, concurrency: 2}\nkafka: {topic_prefix: fromyaml}\n",
    )
    assert load_settings().notion.rate == 1.0
    Path(".env").write_text("NOTION_SYNC_NOTION__RATE=1.5\nNOTION_SYNC_NOTION__BURST=5\n")
    settings = load_settings()
    assert (settings.notion.rate, settings.notion.burst) == (1.5, 5)
    monkeypatch.setenv("NOTION_SYNC_NOTION__RATE", "2.0")
    settings = load_settings()
    assert (settings.notion.rate, settings.notion.burst, settings.notion.concurrency) == (2.0, 5, 2)
    assert settings.kafka.topic_prefix == "fromyaml"
    assert load_settings(overrides={"notion": {"rate": 9.0}}).notion.rate == 9.0


def test_env_value_errors_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_SYNC_KAFKA__TOPICS__FETCH_TASKS__PARTITIONS", "0")
    assert "NOTION_SYNC_KAFKA__TOPICS__FETCH_TASKS__PARTITIONS" in _error()
    monkeypatch.setenv("NOTION_SYNC_KAFKA__TOPICS__FETCH_TASKS__PARTITIONS", "many")
    assert "kafka.topics.fetch_tasks.partitions: Expected `int`, got `str`" in _error()


def test_env_sets_one_topic_setting_and_keeps_the_topic_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTION_SYNC_KAFKA__TOPICS__ENTITIES__RETENTION_MS", "-1")
    topics = load_settings().kafka.topics
    assert (topics.entities.retention_ms, topics.entities.partitions) == (-1, 12)
    assert topics.export_events.retention_ms == 30 * 24 * 3600 * 1000
    monkeypatch.setenv("NOTION_SYNC_KAFKA__TOPICS__ENTITIES__CLEANUP_POLICY", "forever")
    message = _error()
    assert "kafka.topics.entities.cleanup_policy: Invalid enum value 'forever'" in message
    assert "NOTION_SYNC_KAFKA__TOPICS__ENTITIES__CLEANUP_POLICY" in message


def test_env_reads_sections_only_and_json_for_mappings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTION_SYNC_TOKEN_TEAM", "read where it is needed, not here")
    monkeypatch.setenv("NOTION_SYNC_NOTION__TOKENS", json.dumps({"team": TOKEN}))
    monkeypatch.setenv("NOTION_SYNC_NOTION__ENDPOINT_RATES", '{"blocks": 2}')
    monkeypatch.setenv("NOTION_SYNC_KAFKA__BROKER", "")
    settings = load_settings()
    assert resolve_token(settings.notion, "team") == TOKEN
    assert settings.notion.endpoint_rates == {"blocks": 2.0}
    assert settings.kafka.broker is None  # empty: the embedded broker
    monkeypatch.setenv("NOTION_SYNC_WORKER__WEB_PORTT", "1")
    assert "worker.web_portt: unknown key; remove it from" in _error()


def test_tokens_are_redacted_in_as_dict_and_config_check(tmp_path: Path) -> None:
    config = _yaml(tmp_path / "c.yaml", f"notion:\n  tokens: {{team: {TOKEN}}}\n")
    settings = load_settings(config)
    assert TOKEN not in json.dumps(settings.as_dict())
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    assert settings.as_dict(plaintext_secrets=True)["notion"]["tokens"]["team"] == TOKEN
    for fmt, parse in (("yaml", yaml.safe_load), ("json", json.loads)):
        result = CliRunner().invoke(
            main, ["--config", str(config), "config", "check", "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        assert TOKEN not in result.output
        assert parse(result.output)["notion"]["tokens"] == {"team": "**********"}


def test_config_check_exits_2_with_the_key_and_fix(tmp_path: Path) -> None:
    config = _yaml(
        tmp_path / "c.yaml", "kafka:\n  topics:\n    fetch_tasks:\n      partitions: 0\n"
    )
    result = CliRunner().invoke(main, ["--config", str(config), "config", "check"])
    assert result.exit_code == 2
    assert "kafka.topics.fetch_tasks.partitions: Expected `int` >= 1" in result.output
    assert "NOTION_SYNC_KAFKA__TOPICS__FETCH_TASKS__PARTITIONS" in result.output


def test_resolve_token_errors_name_the_variable_never_a_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(overrides={"notion": {"tokens": {"team": TOKEN}}}).notion
    assert resolve_token(settings, "team") == TOKEN
    with pytest.raises(ConfigError) as default:
        resolve_token(settings, "default")
    assert "NOTION_API_KEY" in str(default.value) and TOKEN not in str(default.value)
    with pytest.raises(ConfigError) as other:
        resolve_token(settings, "other-team")
    assert "NOTION_SYNC_TOKEN_OTHER_TEAM" in str(other.value)
    assert "notion.tokens.other-team" in str(other.value) and TOKEN not in str(other.value)
    monkeypatch.setenv("NOTION_SYNC_TOKEN_OTHER_TEAM", "ntn_abcdefghijklmnop")
    assert resolve_token(settings, "other-team") == "ntn_abcdefghijklmnop"
