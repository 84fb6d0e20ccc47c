"""Logging for operators: one line per event, JSON or text, export id attached, tokens redacted.

Filters sit on the handler, not on loggers, so every record reaches them — ours, Faust's,
aiokafka's and httpx's alike. The worker hands :func:`logging_config` to Faust, which would
otherwise replace the root handlers with its own coloured ones.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

__all__ = [
    "REDACTED",
    "ExportIdFilter",
    "JsonFormatter",
    "RedactingFilter",
    "build_handler",
    "configure_logging",
    "current_export",
    "env_secrets",
    "logging_config",
]

LogFormat = Literal["text", "json"]
#: Libraries whose INFO lines are per request or per connection: WARNING and up only.
QUIET_LIBRARIES = ("httpx", "httpcore")
#: The export the running task works for; set by the agents, read by every log line.
current_export: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_export", default=None
)
REDACTED = "[redacted]"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(export_tag)s %(message)s"
# Notion integration tokens: legacy ``secret_…`` and current ``ntn_…``.
_TOKEN_SHAPE = re.compile(r"\b(?:secret|ntn)_[A-Za-z0-9_-]{8,}")
# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "export_tag"}


def env_secrets(environ: dict[str, str] | None = None) -> list[str]:
    """Tokens this process can see in its environment, so they can be scrubbed from logs."""
    env = os.environ if environ is None else environ
    return [
        value
        for name, value in env.items()
        if value
        and (
            name == "NOTION_API_KEY"
            or name.startswith("NOTION_SYNC_TOKEN_")
            or name.startswith("NOTION_SYNC_NOTION__TOKENS")
        )
    ]


class RedactingFilter(logging.Filter):
    """Replaces configured tokens and token-shaped strings with ``[redacted]``.

    The message is rendered here once (args merged) so a token passed as a ``%s``
    argument is caught too; the traceback text is scrubbed the same way.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a token that contains another is replaced whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        record.exc_info = None
        return True


class ExportIdFilter(logging.Filter):
    """Attaches the export being worked on (:data:`current_export`) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "export_id", None) is None:
            record.export_id = current_export.get()
        export_id = getattr(record, "export_id", None)
        record.export_tag = f" [export {export_id}]" if export_id else ""
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, export_id, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        export_id = getattr(record, "export_id", None)
        if export_id:
            entry["export_id"] = export_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key != "export_id":
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


def build_handler(
    fmt: LogFormat = "text", secrets: Iterable[str] = (), stream: Any = None
) -> logging.Handler:
    """A stream handler with the export-id and redaction filters and the chosen format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ExportIdFilter())
    handler.addFilter(RedactingFilter([*secrets, *env_secrets()]))
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(level: str, fmt: LogFormat = "text", secrets: Iterable[str] = ()) -> None:
    """Replace the root handlers with ours (CLI commands; the worker goes through Faust)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(build_handler(fmt, secrets))
    root.setLevel(level.upper())


def logging_config(level: str, fmt: LogFormat, secrets: Iterable[str] = ()) -> dict[str, Any]:
    """A ``dictConfig`` for ``faust.Worker(logging_config=...)`` that installs our handler."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {
            "default": {
                "()": build_handler,
                "fmt": fmt,
                "secrets": list(secrets),
                "stream": sys.stderr,
            }
        },
        "root": {"level": level.upper(), "handlers": ["default"]},
        # One line per HTTP request would be most of a worker's log (and its loop's time);
        # the gateway reports failures itself and counts requests in metrics.
        "loggers": {name: {"level": "WARNING"} for name in QUIET_LIBRARIES},
    }
