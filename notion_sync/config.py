"""Settings: one frozen, typed model, read only when a command asks for it.

Precedence (highest first): explicit CLI options, environment (``NOTION_SYNC_*``,
nested with ``__``, e.g. ``NOTION_SYNC_KAFKA__BROKER``; ``NOTION_API_KEY`` for the
default credential), a ``.env`` file in the working directory, ``notion-sync.yaml``,
defaults. Nothing is read at import time.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from notion_sync.errors import ConfigError

__all__ = [
    "DEFAULT_TOKEN_REF",
    "KafkaSettings",
    "NotionSettings",
    "Settings",
    "WorkerSettings",
    "load_settings",
    "resolve_token",
]

DEFAULT_TOKEN_REF = "default"
CONFIG_FILE = "notion-sync.yaml"


class KafkaSettings(BaseModel):
    """Where the topics live and how they are laid out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    broker: str | None = Field(
        default=None,
        description="kafka://HOST:PORT[,HOST:PORT]; empty means the embedded broker",
    )
    topic_prefix: str = Field(default="notion-sync", pattern=r"^[A-Za-z0-9._-]+$")
    requests_partitions: int = Field(default=3, ge=1)
    fetch_partitions: int = Field(default=6, ge=1)
    entities_partitions: int = Field(default=12, ge=1)
    events_partitions: int = Field(default=6, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    session_timeout: float = Field(default=30.0, gt=0)
    rebalance_timeout: float = Field(default=60.0, gt=0)
    heartbeat_interval: float = Field(default=3.0, gt=0)

    @field_validator("broker")
    @classmethod
    def _broker_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        from notion_sync.broker import parse_broker_url

        try:
            parse_broker_url(value)
        except ConfigError as exc:  # as a ValueError, so the message names the key
            raise ValueError(str(exc)) from None
        return value


class NotionSettings(BaseModel):
    """How workers talk to Notion: the budget is per integration (token)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str = "https://api.notion.com"
    tokens: dict[str, SecretStr] = Field(
        default_factory=dict, description="token_ref -> token; resolved on workers only"
    )
    rate: float = Field(default=2.8, gt=0, description="requests per second per integration")
    burst: int = Field(default=8, ge=1)
    concurrency: int = Field(default=8, ge=1, description="requests in flight per integration")
    endpoint_rates: dict[str, float] = Field(
        default_factory=dict,
        description="optional caps inside the budget: pages, blocks, data_sources, comments, "
        "users, properties, search",
    )
    timeout: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=6, ge=0)
    backoff_base: float = Field(default=0.5, gt=0)
    backoff_max: float = Field(default=30.0, gt=0)
    breaker_threshold: int = Field(default=8, ge=1, description="consecutive failures to open")
    breaker_cooldown: float = Field(default=10.0, gt=0)
    task_concurrency: int = Field(default=16, ge=1, description="documents fetched at once")

    @field_validator("endpoint_rates")
    @classmethod
    def _known_endpoints(cls, value: dict[str, float]) -> dict[str, float]:
        allowed = {"pages", "blocks", "data_sources", "comments", "users", "properties", "search"}
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise ValueError(f"unknown endpoint {unknown}; use one of {sorted(allowed)}")
        return value


class WorkerSettings(BaseModel):
    """Per-process settings of a worker."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    web_host: str = "127.0.0.1"
    web_port: int = Field(default=6066, ge=0, le=65535)
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    state_dir: Path = Field(default=Path(".notion-sync-worker"))


class Settings(BaseSettings):
    """Everything a command needs; frozen so nothing changes it behind a worker's back."""

    model_config = SettingsConfigDict(
        frozen=True,
        extra="forbid",
        env_prefix="NOTION_SYNC_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
    )

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    notion: NotionSettings = Field(default_factory=NotionSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The YAML file ranks below the environment and .env, as the module docstring says.
        return init_settings, env_settings, dotenv_settings, _YamlSource(settings_cls)

    def as_dict(self, *, plaintext_secrets: bool = False) -> dict[str, Any]:
        """The effective settings; tokens redacted unless asked for."""
        data = self.model_dump(mode="json")
        if plaintext_secrets:
            data["notion"]["tokens"] = {
                ref: token.get_secret_value() for ref, token in self.notion.tokens.items()
            }
        return data


_FILE_DATA: ContextVar[dict[str, Any] | None] = ContextVar("notion_sync_file_data", default=None)


class _YamlSource(PydanticBaseSettingsSource):
    """The already-parsed notion-sync.yaml, handed over by :func:`load_settings`."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return (_FILE_DATA.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_FILE_DATA.get() or {})


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError, source: str) -> ConfigError:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(root)"
        env = "NOTION_SYNC_" + "__".join(str(part).upper() for part in item["loc"])
        if item["type"] == "extra_forbidden":
            lines.append(f"{key}: unknown key; remove it from {source} or unset {env}")
        else:
            lines.append(f"{key}: {item['msg']} (set it in {source} or {env})")
    return ConfigError("invalid configuration:\n  " + "\n  ".join(lines))


def load_settings(
    config_file: Path | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """Build settings from the YAML file, environment, .env and CLI overrides."""
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
    reset = _FILE_DATA.set(file_data)
    try:
        return Settings(**(overrides or {}))
    except ValidationError as exc:
        raise _describe(exc, str(path)) from None
    finally:
        _FILE_DATA.reset(reset)


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
