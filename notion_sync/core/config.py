"""Settings: one frozen, typed structure, read only when a command asks for it.

Precedence (highest first): explicit CLI options, environment (``NOTION_SYNC_*``,
nested with ``__``, e.g. ``NOTION_SYNC_KAFKA__BROKER``; ``NOTION_API_KEY`` for the
default credential), a ``.env`` file in the working directory, ``notion-sync.yaml``,
defaults. Nothing is read at import time.

The sources are merged here and checked by msgspec. Every worker loads its
settings, and pydantic with pydantic-settings cost a worker ~10 MB of its 100 MB
budget (their modules and pydantic-core's schemas) where msgspec costs ~0.7 MB.
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

__all__ = [
    "DEFAULT_TOKEN_REF",
    "KafkaSettings",
    "NotionSettings",
    "Secret",
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

Positive = Annotated[float, msgspec.Meta(gt=0)]
AtLeastOne = Annotated[int, msgspec.Meta(ge=1)]


class Secret:
    """A token that prints as ``**********``: a repr or log line of the settings leaks nothing."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class KafkaSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Where the topics live and how they are laid out."""

    broker: (
        Annotated[str, msgspec.Meta(description="kafka://HOST:PORT[,HOST:PORT]; empty: embedded")]
        | None
    ) = None
    topic_prefix: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._-]+$")] = "notion-sync"
    requests_partitions: AtLeastOne = 3
    fetch_partitions: AtLeastOne = 6
    entities_partitions: AtLeastOne = 12
    events_partitions: AtLeastOne = 6
    replication_factor: AtLeastOne = 1
    session_timeout: Positive = 30.0
    rebalance_timeout: Positive = 60.0
    heartbeat_interval: Positive = 3.0


class NotionSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """How workers talk to Notion: the budget is per integration (token)."""

    base_url: str = "https://api.notion.com"
    #: token_ref -> token; resolved on workers only
    tokens: dict[str, Secret] = msgspec.field(default_factory=dict)
    rate: Annotated[float, msgspec.Meta(gt=0, description="requests per second")] = 2.8
    burst: AtLeastOne = 8
    concurrency: Annotated[int, msgspec.Meta(ge=1, description="requests in flight")] = 8
    #: optional caps inside the budget, per endpoint (see ENDPOINTS)
    endpoint_rates: dict[str, Positive] = msgspec.field(default_factory=dict)
    timeout: Positive = 30.0
    max_retries: Annotated[int, msgspec.Meta(ge=0)] = 6
    backoff_base: Positive = 0.5
    backoff_max: Positive = 30.0
    breaker_threshold: Annotated[int, msgspec.Meta(ge=1, description="failures to open")] = 8
    breaker_cooldown: Positive = 10.0
    task_concurrency: Annotated[int, msgspec.Meta(ge=1, description="documents at once")] = 16
    #: results per search page, each listed by a task of its own (Notion serves at most 100)
    search_page_size: Annotated[int, msgspec.Meta(ge=1, le=100)] = 100


class WorkerSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Per-process settings of a worker."""

    web_host: str = "127.0.0.1"
    web_port: Annotated[int, msgspec.Meta(ge=0, le=65535)] = 6066
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    state_dir: Path = Path(".notion-sync-worker")


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """Everything a command needs; frozen so nothing changes it behind a worker's back."""

    kafka: KafkaSettings = msgspec.field(default_factory=KafkaSettings)
    notion: NotionSettings = msgspec.field(default_factory=NotionSettings)
    worker: WorkerSettings = msgspec.field(default_factory=WorkerSettings)

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
    """What the types cannot say: a broker URL we can parse, endpoints we know."""
    if settings.kafka.broker is not None:
        try:
            parse_broker_url(settings.kafka.broker)
        except ConfigError as exc:
            return ["kafka", "broker"], str(exc)
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
    """``NOTION_SYNC_SECTION__KEY=value`` as ``{section: {key: value}}``; JSON for mappings.

    Only the sections' variables are read: ``NOTION_SYNC_TOKEN_*`` and the like are
    looked up by name where they are needed.
    """
    sections = set(Settings.__struct_fields__)
    data: dict[str, Any] = {}
    for name, value in variables.items():
        if value is None or not name.upper().startswith(ENV_PREFIX):
            continue
        section, _, key = name[len(ENV_PREFIX) :].lower().partition("__")
        if section not in sections:
            continue
        parsed: Any = value
        if value.lstrip().startswith("{"):
            try:
                parsed = json.loads(value)
            except ValueError:
                raise ConfigError(f"{name} is not valid JSON") from None
        data = _merge(data, {section: {key: parsed} if key else parsed})
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
            raise ConfigError(f"{path} must hold a mapping (kafka:, notion:, worker:)")
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


def parse_broker_url(url: str) -> str:
    """``kafka://h1:9092,h2:9092`` or ``h1:9092`` → a bootstrap servers string."""
    raw = url.removeprefix("kafka://").removeprefix("tcp://").strip().rstrip("/")
    servers = [part.strip() for part in raw.split(",") if part.strip()]
    if not servers:
        raise ConfigError(f"broker URL {url!r} is empty; use kafka://HOST:PORT")
    for server in servers:
        host, sep, port = server.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(
                f"broker URL {url!r}: {server!r} is not HOST:PORT (kafka://HOST:PORT)"
            )
    return ",".join(servers)
