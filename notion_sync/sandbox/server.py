"""The aiohttp application: route table, the ``/v1`` middleware, files and introspection.

Every ``/v1`` request passes, in order: injected latency, authentication (401), the
``Notion-Version`` check (400 ``missing_version``), scripted faults, the per-token rate
limiter (429 + ``Retry-After``), random faults at ``fault_rate``, and finally its handler.
Each is counted in the stats under its templated route name, e.g.
``GET /v1/blocks/{id}/children``.

A server may serve several integrations: the bearer token picks the integration, and
with it the workspace, the rate budget and the per-integration stats line (Notion's
limits are per integration); an unknown token gets 401.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from itertools import islice
from typing import Any

from aiohttp import web

from .api import NotionAPI
from .errors import FAULT_ERRORS, NotionAPIError
from .files import file_bytes, iso, s3_error_xml
from .ids import Kind, decode_id
from .state import SandboxState

__all__ = ["build_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATE_KEY = web.AppKey("sandbox_state", SandboxState)
INTEGRATIONS_KEY = web.AppKey("sandbox_integrations", dict[str, SandboxState])
#: Where the middleware leaves the state of the integration a ``/v1`` request is for.
_INTEGRATION = web.RequestKey("sandbox_integration", SandboxState)


def _endpoint(request: web.Request) -> str:
    route = request.match_info.route
    resource = route.resource
    if resource is None or isinstance(request.match_info.http_exception, web.HTTPException):
        return f"{request.method} /v1/{{unknown}}"
    return f"{request.method} {resource.canonical}"


def _error_response(state: SandboxState, err: NotionAPIError, request_id: str) -> web.Response:
    body = {
        "object": "error",
        "status": err.status,
        "code": err.code,
        "message": err.message,
        "request_id": request_id,
    }
    headers = {"x-request-id": request_id}
    if err.retry_after is not None:
        headers["Retry-After"] = str(err.retry_after)
    return web.Response(
        status=err.status, body=state.dumps(body), headers=headers, content_type="application/json"
    )


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() != "bearer ":
        return None
    return header[7:].strip()


def _make_middleware(primary: SandboxState, integrations: dict[str, SandboxState]) -> Any:
    @web.middleware
    async def notion_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith("/v1/"):
            return await handler(request)
        known = integrations.get(_bearer(request) or "")
        state = request[_INTEGRATION] = known or primary
        request_id = state.next_request_id()
        sent_at = state.clock.now()
        delay = state.next_latency()
        if delay:
            await asyncio.sleep(delay)
        try:
            response = await _guarded(state, request, handler, request_id, sent_at)
        except NotionAPIError as err:
            response = _error_response(state, err, request_id)
        state.stats.request(
            _endpoint(request), response.status, known.name if known else None, sent_at
        )
        return response

    return notion_middleware


async def _guarded(
    state: SandboxState, request: web.Request, handler: Handler, request_id: str, sent_at: float
) -> web.StreamResponse:
    token = _bearer(request)
    if token != state.config.token:
        raise NotionAPIError(401, "unauthorized", "API token is invalid.")
    if not request.headers.get("Notion-Version"):
        raise NotionAPIError(
            400,
            "missing_version",
            "Notion-Version header failed validation: Notion-Version header "
            "should be defined, instead was `undefined`.",
        )
    if isinstance(request.match_info.http_exception, web.HTTPException):
        raise NotionAPIError(400, "invalid_request_url", "Invalid request URL.")
    scripted = state.faults.next_scripted()
    if scripted is not None:
        if state.limiter.is_paused(token, sent_at):
            state.stats.bump("retry_after_violations", state.name)
        if scripted.status == 429:
            state.limiter.pause(token, scripted.retry_after)
            state.stats.bump("rate_limited", state.name)
            raise NotionAPIError(
                429,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
                retry_after=scripted.retry_after,
            )
        state.stats.bump("faults")
        code, message = FAULT_ERRORS[scripted.status]
        raise NotionAPIError(scripted.status, code, message)
    decision = state.limiter.check(token, sent_at)
    if decision.violation:
        state.stats.bump("retry_after_violations", state.name)
    if not decision.allowed:
        state.stats.bump("rate_limited", state.name)
        raise NotionAPIError(
            429,
            "rate_limited",
            "You have been rate limited. Please try again in a few minutes.",
            retry_after=decision.retry_after,
        )
    fault = state.faults.next_random()
    if fault is not None:
        state.stats.bump("faults")
        code, message = FAULT_ERRORS[fault]
        raise NotionAPIError(fault, code, message)
    result = await handler(request)
    if isinstance(result, web.StreamResponse):
        return result
    raise TypeError("unexpected handler result")


def _json_handler(
    handlers: dict[str, Callable[[web.Request], Awaitable[dict[str, Any]]]],
) -> Handler:
    """One route, answered by the handler of the request's integration (by name)."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        state = request[_INTEGRATION]
        body = await handlers[state.name](request)
        request_id = body["request_id"] = state.next_request_id()
        return web.Response(
            body=state.dumps(body),
            content_type="application/json",
            headers={"x-request-id": request_id},
        )

    return wrapped


def _signed_by(
    states: Sequence[SandboxState], file_id: str, name: str, expires: int, sig: str
) -> SandboxState | None:
    """The integration whose workspace holds the file and whose key signed the URL:
    file URLs carry no token, as Notion's pre-signed S3 URLs carry none."""
    for state in states:
        decoded = decode_id(state.config.seed, file_id)
        if (
            decoded is not None
            and decoded[0] == Kind.FILE
            and state.signer.verify(file_id, name, expires, sig)
        ):
            return state
    return None


async def _serve_file(request: web.Request) -> web.StreamResponse:
    file_id = request.match_info["file_id"]
    name = request.match_info["name"]
    try:
        expires = int(request.query.get("expires", ""))
    except ValueError:
        expires = -1
    sig = request.query.get("sig", "")
    signer = _signed_by(list(request.app[INTEGRATIONS_KEY].values()), file_id, name, expires, sig)
    state = signer or request.app[STATE_KEY]
    request_id = state.next_request_id().replace("-", "")[:16].upper()
    if signer is None:
        return web.Response(
            status=403,
            content_type="application/xml",
            body=s3_error_xml(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
                request_id,
            ),
        )
    now = state.clock.now()
    if now >= expires:
        state.stats.bump("expired_file_requests")
        extra = f"<Expires>{iso(expires)}</Expires><ServerTime>{iso(now)}</ServerTime>"
        return web.Response(
            status=403,
            content_type="application/xml",
            body=s3_error_xml("AccessDenied", "Request has expired", request_id, extra),
        )
    state.stats.bump("file_downloads")
    data, mime = file_bytes(file_id, name)
    return web.Response(
        body=data,
        headers={
            "Content-Type": mime,
            "ETag": f'"{file_id.replace("-", "")[:16]}"',
            "x-amz-request-id": request_id,
        },
    )


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].stats.snapshot())


async def _reset_stats(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    state.stats.reset()
    return web.json_response(state.stats.snapshot())


async def _manifest(request: web.Request) -> web.StreamResponse:
    from .manifest import manifest_chunks

    named = request.query.get("integration")
    by_name = {each.name: each for each in request.app[INTEGRATIONS_KEY].values()}
    if named is not None and named not in by_name:
        raise web.HTTPNotFound(text=f"no integration named {named!r}")
    state = by_name[named] if named is not None else request.app[STATE_KEY]
    loop = asyncio.get_running_loop()
    chunks = manifest_chunks(state)
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    # Generating page trees is CPU work: do it off the event loop, a batch at a time, so
    # the API keeps answering and the manifest is never held whole in memory.
    while True:
        batch = await loop.run_in_executor(None, lambda: list(islice(chunks, 256)))
        if not batch:
            break
        await response.write(b"".join(batch))
    await response.write_eof()
    return response


def build_app(state: SandboxState, others: Sequence[SandboxState] = ()) -> web.Application:
    """The aiohttp application serving ``state``, and beside it the integrations
    ``others`` (each its own token, workspace and budget)."""
    integrations = {each.config.token: each for each in (state, *others)}
    app = web.Application(
        middlewares=[_make_middleware(state, integrations)], client_max_size=4 * 1024 * 1024
    )
    app[STATE_KEY] = state
    app[INTEGRATIONS_KEY] = integrations
    tables = [NotionAPI(each).routes() for each in integrations.values()]
    names = [each.name for each in integrations.values()]
    for route, (method, path, _handler) in enumerate(tables[0]):
        handlers = {name: table[route][2] for name, table in zip(names, tables, strict=True)}
        app.router.add_route(method, path, _json_handler(handlers))
    app.router.add_get("/__sandbox/stats", _stats)
    app.router.add_post("/__sandbox/stats/reset", _reset_stats)
    app.router.add_get("/__sandbox/manifest", _manifest)
    app.router.add_get("/__files/{file_id}/{name}", _serve_file)
    return app
