"""Notion's error responses, raised inside handlers and rendered by the middleware."""

from __future__ import annotations

__all__ = ["FAULT_ERRORS", "NotionAPIError", "not_found", "validation_error"]


class NotionAPIError(Exception):
    """An error the server answers as ``{"object": "error", ...}``.

    :param status: HTTP status.
    :param code: Notion's error code (``validation_error``, ``rate_limited``, ...).
    :param message: human-readable message, worded like Notion's.
    :param retry_after: seconds for the ``Retry-After`` header (429 only).
    """

    def __init__(
        self, status: int, code: str, message: str, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


#: Injected server faults: status -> (code, message), as Notion words them.
FAULT_ERRORS: dict[int, tuple[str, str]] = {
    500: ("internal_server_error", "Unexpected error occurred."),
    502: (
        "bad_gateway",
        "Notion encountered an issue while attempting to complete this request. Please try again.",
    ),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: (
        "gateway_timeout",
        "Notion timed out while attempting to complete this request. Please try again later.",
    ),
    529: ("service_overload", "Notion is experiencing high load. Please try again later."),
}


def not_found(kind: str, object_id: str) -> NotionAPIError:
    """The 404 Notion returns for unknown or unshared objects."""
    return NotionAPIError(
        404,
        "object_not_found",
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
        "databases are shared with your integration.",
    )


def validation_error(message: str) -> NotionAPIError:
    """A 400 ``validation_error``."""
    return NotionAPIError(400, "validation_error", message)
