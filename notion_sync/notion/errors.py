"""Map every failure of the Notion client library to one class of ours, in one place."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
from notion_client.errors import APIErrorCode, HTTPResponseError, RequestTimeoutError

from notion_sync.core.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    NotionError,
    NotionTimeout,
    NotionUnavailable,
    RateLimited,
    Unauthorized,
)

__all__ = ["map_notion_errors", "retry_after_seconds"]

_BY_CODE: dict[str, type[NotionError]] = {
    APIErrorCode.Unauthorized.value: Unauthorized,
    APIErrorCode.RestrictedResource.value: Forbidden,
    APIErrorCode.ObjectNotFound.value: NotFound,
    APIErrorCode.RateLimited.value: RateLimited,
    APIErrorCode.InvalidJSON.value: InvalidRequest,
    APIErrorCode.InvalidRequestURL.value: InvalidRequest,
    APIErrorCode.InvalidRequest.value: InvalidRequest,
    APIErrorCode.ValidationError.value: InvalidRequest,
    APIErrorCode.ConflictError.value: Conflict,
    APIErrorCode.InternalServerError.value: NotionUnavailable,
    APIErrorCode.ServiceUnavailable.value: NotionUnavailable,
    APIErrorCode.GatewayTimeout.value: NotionUnavailable,
    "service_overload": NotionUnavailable,
}

_BY_STATUS: dict[int, type[NotionError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def retry_after_seconds(headers: httpx.Headers | None, default: float = 1.0) -> float:
    """Notion sends an integer number of seconds; fall back to ``default`` if absent or odd."""
    raw = headers.get("retry-after") if headers is not None else None
    try:
        return max(0.0, float(raw)) if raw is not None else default
    except ValueError:
        return default


def _from_response(exc: HTTPResponseError) -> NotionError:
    code = str(getattr(exc.code, "value", exc.code))
    cls = _BY_CODE.get(code) or _BY_STATUS.get(exc.status)
    if cls is None:
        cls = NotionUnavailable if exc.status >= 500 else InvalidRequest
    message = f"Notion answered {exc.status} {code}: {exc}"
    if cls is RateLimited:
        return RateLimited(
            message,
            retry_after=retry_after_seconds(exc.headers),
            status=exc.status,
            code=code,
            request_id=exc.request_id,
        )
    return cls(message, status=exc.status, code=code, request_id=exc.request_id)


@contextlib.contextmanager
def map_notion_errors() -> Iterator[None]:
    """Re-raise the client library's and httpx's errors as the most specific NotionError."""
    try:
        yield
    except HTTPResponseError as exc:
        raise _from_response(exc) from exc
    except RequestTimeoutError as exc:
        raise NotionTimeout("Notion did not answer in time", code="timeout") from exc
    except httpx.TimeoutException as exc:
        raise NotionTimeout(f"Notion did not answer in time ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise NotionUnavailable(f"cannot reach Notion: {type(exc).__name__}: {exc}") from exc
