"""Settings: one frozen, typed structure, read only when a command asks for it.

Precedence (highest first): explicit CLI options, environment (``NOTION_SYNC_*``,
nested with ``__``, e.g. ``NOTION_SYNC_KAFKA__BROKER``; ``NOTION_API_KEY`` for the
default credential), a ``.env`` file in the working directory, ``notion-sync.yaml``,
defaults. Nothing is read at import time.

The sources are merged here and checked by msgspec, a small fraction of what
pydantic-settings adds to every worker's memory (docs/architecture.md, Memory). Each
setting carries its description: the reference in docs/operations.md is built from them.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import yaml

from notion_sync.core.errors import ConfigError
from notion_sync.core.kafka_settings import KafkaSettings, parse_broker_url
from notion_sync.core.setting_types import AtLeastOne, Positive, Secret, about

__all__ = [
    "DEFAULT_TOKEN_REF",
    "MarkdownSettings",
    "NotionSettings",
    "Settings",
    "WorkerSettings",
    "load_settings",
    "resolve_token",
]

DEFAULT_TOKEN_REF = "default"
CONFIG_FILE = "notion-sync.yaml"
ENV_PREFIX = "NOTION_SYNC_"
ENV_FILE = ".env"
ENDPOINTS = ("blocks", "comments", "data_sources", "pages", "properties", "search", "users")


class NotionSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How workers talk to Notion: the budget is per integration (token)."""

    base_url: Annotated[str, about("the Notion API (a sandbox's URL for demos and tests)")] = (
        "https://api.notion.com"
    )
    tokens: Annotated[
        dict[str, Secret],
        about("token_ref → token, resolved on workers only; prefer the environment variables"),
    ] = msgspec.field(default_factory=dict)
    rate: Annotated[
        Positive, about("requests per second per integration (Notion allows ~3 on average)")
    ] = 2.8
    burst: Annotated[AtLeastOne, about("requests an integration may send at once")] = 8
    concurrency: Annotated[AtLeastOne, about("requests in flight per integration")] = 8
    endpoint_rates: Annotated[
        dict[str, Positive],
        about(f"caps inside the budget, requests per second, by endpoint: {', '.join(ENDPOINTS)}"),
    ] = msgspec.field(default_factory=dict)
    timeout: Annotated[Positive, about("seconds to wait for one response")] = 30.0
    max_retries: Annotated[
        int,
        msgspec.Meta(ge=0),
        about("retries of a 5xx, timeout or conflict; 429s always wait out Retry-After"),
    ] = 6
    backoff_base: Annotated[
        Positive, about("first retry's back-off, seconds, doubled each retry, jittered")
    ] = 0.5
    backoff_max: Annotated[Positive, about("longest back-off between retries, seconds")] = 30.0
    breaker_threshold: Annotated[
        AtLeastOne, about("consecutive failures that open an integration's circuit")
    ] = 8
    breaker_cooldown: Annotated[
        Positive, about("seconds an open circuit waits before a probe request")
    ] = 10.0
    give_up_after: Annotated[
        Positive,
        about("seconds of nothing but failures (Notion unreachable) before the export fails"),
    ] = 120.0
    task_concurrency: Annotated[AtLeastOne, about("documents fetched at once per worker")] = 16
    search_page_size: Annotated[
        int,
        msgspec.Meta(ge=1, le=100),
        about("results per search request, each page a fetch task (Notion serves at most 100)"),
    ] = 100


class WorkerSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Per-process settings of a worker."""

    web_host: Annotated[str, about("interface of the health and metrics server")] = "127.0.0.1"
    web_port: Annotated[
        int,
        msgspec.Meta(ge=0, le=65535),
        about("port of the health and metrics server; 0: any free port (logged)"),
    ] = 6066
    log_format: Annotated[
        Literal["text", "json"], about("`json`: one object per line; also `--log-format`")
    ] = "text"
    log_level: Annotated[str, about("the worker's log level (`DEBUG`, `INFO`, `WARNING`, …)")] = (
        "INFO"
    )
    state_dir: Annotated[
        Path,
        about("the per-document tables' SQLite files (unlinked once open); checked at start"),
    ] = Path(".notion-sync-worker")
    shutdown_timeout: Annotated[
        Positive,
        about("seconds a stopping worker may take (commits, leaving the group) before it exits"),
    ] = 30.0


class MarkdownSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How the ``markdown`` format writes a page (docs/architecture.md says why the defaults)."""

    front_matter: Annotated[
        Literal["flat", "nested"],
        about(
            "`flat`: properties as top-level front matter keys (Obsidian, Hugo, Jekyll); "
            "`nested`: under `properties:`"
        ),
    ] = "flat"
    title_heading: Annotated[
        bool,
        about(
            "also write the title as a `# Title` line; off: only the front matter's `title`, "
            "which site themes print themselves"
        ),
    ] = False


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Everything a command needs; frozen so nothing changes it behind a worker's back."""

    kafka: KafkaSettings = msgspec.field(default_factory=KafkaSettings)
    notion: NotionSettings = msgspec.field(default_factory=NotionSettings)
    worker: WorkerSettings = msgspec.field(default_factory=WorkerSettings)
    markdown: MarkdownSettings = msgspec.field(default_factory=MarkdownSettings)

    def as_dict(self, *, plaintext_secrets: bool = False) -> dict[str, Any]:
        """The effective settings; tokens redacted unless asked for."""

        def encode(value: Any) -> Any:
            if isinstance(value, Secret):
                return value.get_secret_value() if plaintext_secrets else "**********"
            return str(value)  # a Path: the only other type msgspec leaves to us

        data: dict[str, Any] = msgspec.to_builtins(self, enc_hook=encode)
        return data

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "the configuration") -> Settings:
        """Check a mapping (parsed YAML, merged sources) and build the settings from it."""
        kafka = data.get("kafka")
        if isinstance(kafka, dict) and kafka.get("broker") == "":
            data = _merge(data, {"kafka": {"broker": None}})  # empty means the embedded broker
        try:
            settings = msgspec.convert(data, cls, strict=False, dec_hook=_decode)
        except msgspec.ValidationError as exc:
            raise _describe(str(exc), source) from None
        problem = _beyond_types(settings)
        if problem:
            raise _problem(problem[0], source, problem[1])
        return settings


def _beyond_types(settings: Settings) -> tuple[list[str], str] | None:
    """What the types cannot say: a broker URL we can parse, security settings that fit
    together, endpoints we know."""
    if settings.kafka.broker is not None:
        try:
            parse_broker_url(settings.kafka.broker)
        except ConfigError as exc:
            return ["kafka", "broker"], str(exc)
    security = settings.kafka.security.problem(settings.kafka.broker)
    if security:
        return ["kafka", "security", security[0]], security[1]
    unknown = sorted(set(settings.notion.endpoint_rates) - set(ENDPOINTS))
    if unknown:
        known = list(ENDPOINTS)
        return ["notion", "endpoint_rates"], f"unknown endpoint {unknown}; use one of {known}"
    return None


def _decode(kind: type, value: Any) -> Any:
    """Tokens and paths from strings; msgspec reports a TypeError with the key's path."""
    if not isinstance(value, str):
        raise TypeError(f"Expected `str`, got `{type(value).__name__}`")
    return Secret(value) if kind is Secret else Path(value)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _from_environment(variables: dict[str, str | None]) -> dict[str, Any]:
    """``NOTION_SYNC_SECTION__KEY=value`` as ``{section: {key: value}}``, each further
    ``__`` a level deeper (``NOTION_SYNC_KAFKA__TOPICS__ENTITIES__RETENTION_MS``); JSON for
    mappings.

    Only the sections' variables are read: ``NOTION_SYNC_TOKEN_*`` and the like are
    looked up by name where they are needed.
    """
    sections = set(Settings.__struct_fields__)
    data: dict[str, Any] = {}
    for name, value in variables.items():
        if value is None or not name.upper().startswith(ENV_PREFIX):
            continue
        section, *keys = name[len(ENV_PREFIX) :].lower().split("__")
        if section not in sections:
            continue
        parsed: Any = value
        if value.lstrip().startswith("{"):
            try:
                parsed = json.loads(value)
            except ValueError:
                raise ConfigError(f"{name} is not valid JSON") from None
        for key in reversed([key for key in keys if key]):
            parsed = {key: parsed}
        data = _merge(data, {section: parsed})
    return data


_ERROR = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<field>[^`]+)`$")


def _describe(error: str, source: str) -> ConfigError:
    """msgspec's first error as the key, what is wrong and where to fix it."""
    found = _ERROR.match(error)
    assert found is not None  # the pattern matches any text
    message, path = found["message"], found["path"] or ""
    # ``$.notion.tokens[...]``: a mapping's entries have no name in the path.
    parts = [part for part in re.split(r"[.\[\]]", path) if part and part != "..."]
    unknown = _UNKNOWN.match(message)
    if unknown:
        return _problem([*parts, unknown["field"]], source)
    return _problem(parts, source, message)


def _problem(parts: list[str], source: str, message: str | None = None) -> ConfigError:
    """The key, what is wrong with it and how to fix it; no message: the key is unknown."""
    key = ".".join(parts) or "(root)"
    env = ENV_PREFIX + "__".join(part.upper() for part in parts)
    if message is None:
        line = f"{key}: unknown key; remove it from {source} or unset {env}"
    else:
        line = f"{key}: {message} (set it in {source} or {env})"
    return ConfigError(f"invalid configuration:\n  {line}")


def load_settings(
    config_file: Path | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """Build settings from the YAML file, .env, environment and CLI overrides."""
    path = config_file or Path(CONFIG_FILE)
    file_data: dict[str, Any] = {}
    if path.exists():
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path} must hold a mapping (kafka:, notion:, worker:, markdown:)")
        file_data = loaded or {}
    elif config_file is not None:
        raise ConfigError(f"config file {config_file} does not exist")
    merged = file_data
    if Path(ENV_FILE).is_file():
        from dotenv import dotenv_values  # loaded only where there is a .env

        merged = _merge(merged, _from_environment(dotenv_values(ENV_FILE)))
    merged = _merge(merged, _from_environment(dict(os.environ)))
    merged = _merge(merged, overrides or {})
    return Settings.from_mapping(merged, str(path))


def resolve_token(settings: NotionSettings, token_ref: str) -> str:
    """The token behind a reference, looked up on this worker only.

    ``default`` falls back to ``NOTION_API_KEY``; any ref ``x`` to
    ``NOTION_SYNC_TOKEN_X``. The error names the reference, never a token.
    """
    configured = settings.tokens.get(token_ref)
    if configured is not None:
        return configured.get_secret_value()
    env_name = (
        "NOTION_API_KEY"
        if token_ref == DEFAULT_TOKEN_REF
        else "NOTION_SYNC_TOKEN_" + token_ref.upper().replace("-", "_")
    )
    token = os.environ.get(env_name)
    if token:
        return token
    raise ConfigError(
        f"unknown token ref {token_ref!r}: set {env_name} or notion.tokens.{token_ref} "
        "in notion-sync.yaml on the workers"
    )
