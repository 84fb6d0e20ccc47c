"""Every error notion-sync raises, under one root.

::

    NotionSyncError
     ├── ConfigError            bad configuration or request: says which key and how to fix it
     ├── SchemaError            a message that does not decode or encode with our Avro schemas
     ├── SinkError              output could not be written
     ├── BrokerError            the Kafka broker cannot be reached or started
     └── NotionError(status, code, request_id)
          ├── RateLimited(retry_after)   429 rate_limited          retryable
          ├── NotionUnavailable          5xx, 529 service_overload retryable
          │    └── NotionUnreachable     failing for notion.give_up_after: fails the export
          ├── NotionTimeout              no answer in time          retryable
          ├── NotFound                   404 object_not_found       skipped, not retried
          ├── Forbidden                  403 (expired file link, restricted resource)
          ├── Unauthorized               401 unauthorized           fails the export fast
          ├── InvalidRequest             400 validation_error and friends
          └── Conflict                   409 conflict_error         retryable

``retryable`` tells the fetcher's retry loop what to do; ``exit_code`` (an
:class:`ExitCode`) tells the CLI how to exit. Messages never contain a token.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

__all__ = [
    "EXIT_CODES",
    "BrokerError",
    "ConfigError",
    "Conflict",
    "ExitCode",
    "Forbidden",
    "InvalidRequest",
    "NotFound",
    "NotionError",
    "NotionSyncError",
    "NotionTimeout",
    "NotionUnavailable",
    "NotionUnreachable",
    "RateLimited",
    "SchemaError",
    "SinkError",
    "Unauthorized",
]


class ExitCode(IntEnum):
    """How every command exits; the README and ``notion-sync --help`` list :data:`EXIT_CODES`."""

    COMPLETED = 0
    FAILED = 1
    USAGE = 2
    BROKER_UNREACHABLE = 3
    UNAUTHORIZED = 4
    INCOMPLETE = 5
    UNFINISHED = 6


EXIT_CODES: dict[ExitCode, str] = {
    ExitCode.COMPLETED: "the export completed (pages deleted meanwhile are listed as skipped)",
    ExitCode.FAILED: "the export failed, or the command could not do its work",
    ExitCode.USAGE: "a bad option, setting or request: the message names it and the fix",
    ExitCode.BROKER_UNREACHABLE: "no Kafka broker answered",
    ExitCode.UNAUTHORIZED: "Notion refused the token",
    ExitCode.INCOMPLETE: "the export completed, but some documents failed (see the summary)",
    ExitCode.UNFINISHED: "stopped waiting (--timeout) before the export ended; run again to resume",
}


class NotionSyncError(Exception):
    """Root of every notion-sync error."""

    retryable: ClassVar[bool] = False
    exit_code: ClassVar[ExitCode] = ExitCode.FAILED


class ConfigError(NotionSyncError):
    """A setting or a request is wrong; the message names it and the fix."""

    exit_code: ClassVar[ExitCode] = ExitCode.USAGE


class SchemaError(NotionSyncError):
    """A message does not match any known Avro schema."""


class SinkError(NotionSyncError):
    """Output could not be written."""


class BrokerError(NotionSyncError):
    """The Kafka broker cannot be reached or started."""

    exit_code: ClassVar[ExitCode] = ExitCode.BROKER_UNREACHABLE


class NotionError(NotionSyncError):
    """An error answer from the Notion API (or no answer at all)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.request_id = request_id


class RateLimited(NotionError):
    retryable: ClassVar[bool] = True

    def __init__(self, message: str, *, retry_after: float, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class NotionUnavailable(NotionError):
    retryable: ClassVar[bool] = True


class NotionUnreachable(NotionUnavailable):
    """Every request has failed for too long: the export fails, naming the last error."""

    retryable: ClassVar[bool] = False


class NotionTimeout(NotionError):
    retryable: ClassVar[bool] = True


class Conflict(NotionError):
    retryable: ClassVar[bool] = True


class NotFound(NotionError):
    """Deleted, or not shared with the integration: recorded as skipped."""


class Forbidden(NotionError):
    """Restricted resource, or an expired file link."""


class Unauthorized(NotionError):
    """The token is wrong or revoked: retrying cannot help."""

    exit_code: ClassVar[ExitCode] = ExitCode.UNAUTHORIZED


class InvalidRequest(NotionError):
    """Notion refused the request's shape."""
