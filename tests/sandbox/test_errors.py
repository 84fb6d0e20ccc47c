"""Every error Notion answers, with its exact status, code, body and headers."""

from __future__ import annotations

import httpx
import pytest
from notion_client import APIErrorCode, APIResponseError, AsyncClient

from notion_sync.sandbox import Sandbox

from . import shapes
from .helpers import get, headers, manifest_page, post


@pytest.mark.asyncio
async def test_missing_and_wrong_token_are_401(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        missing = await http.get(
            f"{sandbox.base_url}/v1/users/me", headers={"Notion-Version": "2025-09-03"}
        )
        wrong = await http.get(
            f"{sandbox.base_url}/v1/users/me", headers=headers(sandbox, token="nope")
        )
    for resp in (missing, wrong):
        assert resp.status_code == 401
        shapes.error(resp.json(), 401, "unauthorized")
    assert sandbox.stats()["by_endpoint"]["GET /v1/users/me"] == {"401": 2}


@pytest.mark.asyncio
async def test_missing_version_is_400(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        resp = await http.get(
            f"{sandbox.base_url}/v1/users/me", headers=headers(sandbox, version=None)
        )
    assert resp.status_code == 400
    shapes.error(resp.json(), 400, "missing_version")


@pytest.mark.asyncio
async def test_unknown_and_unshared_ids_are_404(sandbox: Sandbox) -> None:
    manifest = sandbox.manifest()
    unshared = manifest_page(manifest, shared=False)["id"]
    made_up = "12345678-1234-1234-1234-123456789abc"
    async with httpx.AsyncClient(timeout=60) as http:
        for path in (
            f"pages/{unshared}",
            f"pages/{made_up}",
            f"blocks/{unshared}",
            f"blocks/{made_up}/children",
            f"databases/{made_up}",
            f"data_sources/{made_up}",
            f"users/{made_up}",
        ):
            resp = await get(http, sandbox, path)
            assert resp.status_code == 404, path
            shapes.error(resp.json(), 404, "object_not_found")
        # A page id is not a database id, and vice versa; Notion says which a database is.
        db = manifest["databases"][0]["id"]
        resp = await get(http, sandbox, f"pages/{db}")
        shapes.error(resp.json(), 400, "validation_error")
        assert "is a database, not a page" in resp.json()["message"]
        shared = manifest_page(manifest, shared=True)["id"]
        assert (await get(http, sandbox, f"databases/{shared}")).status_code == 404


@pytest.mark.asyncio
async def test_ids_with_or_without_dashes(sandbox: Sandbox) -> None:
    page_id = manifest_page(sandbox.manifest(), shared=True, in_search=True)["id"]
    async with httpx.AsyncClient(timeout=60) as http:
        a = await get(http, sandbox, f"pages/{page_id}")
        b = await get(http, sandbox, f"pages/{page_id.replace('-', '')}")
        c = await get(http, sandbox, f"pages/{page_id.upper()}")
    assert a.status_code == b.status_code == c.status_code == 200
    assert a.json()["id"] == b.json()["id"] == c.json()["id"] == page_id


@pytest.mark.asyncio
async def test_validation_errors(sandbox: Sandbox) -> None:
    page_id = manifest_page(sandbox.manifest(), shared=True)["id"]
    async with httpx.AsyncClient(timeout=60) as http:
        cases = [
            await get(http, sandbox, "pages/not-a-uuid"),
            await get(http, sandbox, f"blocks/{page_id}/children", page_size=101),
            await get(http, sandbox, f"blocks/{page_id}/children", page_size=0),
            await get(http, sandbox, f"blocks/{page_id}/children", page_size="ten"),
            await get(http, sandbox, f"blocks/{page_id}/children", start_cursor="bogus"),
            await post(http, sandbox, "search", {"page_size": 500}),
            await post(
                http, sandbox, "search", {"filter": {"property": "object", "value": "database"}}
            ),
            await post(
                http,
                sandbox,
                "search",
                {"sort": {"timestamp": "created_time", "direction": "ascending"}},
            ),
            await get(http, sandbox, "comments"),
        ]
    for resp in cases:
        assert resp.status_code == 400, resp.text
        shapes.error(resp.json(), 400, "validation_error")


@pytest.mark.asyncio
async def test_invalid_json_and_url(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        bad_json = await http.post(
            f"{sandbox.base_url}/v1/search", content=b"{nope", headers=headers(sandbox)
        )
        bad_url = await get(http, sandbox, "no/such/endpoint")
    shapes.error(bad_json.json(), 400, "invalid_json")
    shapes.error(bad_url.json(), 400, "invalid_request_url")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, "internal_server_error"),
        (502, "bad_gateway"),
        (503, "service_unavailable"),
        (504, "gateway_timeout"),
        (529, "service_overload"),
    ],
)
async def test_scripted_server_errors(sandbox: Sandbox, status: int, code: str) -> None:
    sandbox.faults.script(status=status, count=2)
    async with httpx.AsyncClient(timeout=60) as http:
        first = await get(http, sandbox, "users/me")
        second = await get(http, sandbox, "users/me")
        third = await get(http, sandbox, "users/me")
    for resp in (first, second):
        assert resp.status_code == status
        shapes.error(resp.json(), status, code)
    assert third.status_code == 200
    stats = sandbox.stats()
    assert stats["faults"] == 2
    assert stats["by_endpoint"]["GET /v1/users/me"] == {str(status): 2, "200": 1}


@pytest.mark.asyncio
async def test_scripted_429_reaches_notion_client(sandbox: Sandbox) -> None:
    sandbox.faults.script(status=429, count=1, retry_after=7)
    async with httpx.AsyncClient(timeout=60) as http:
        resp = await get(http, sandbox, "users")
        assert resp.status_code == 429 and resp.headers["Retry-After"] == "7"
        shapes.error(resp.json(), 429, "rate_limited")
        sandbox.faults.script(status=429, count=1)
        client = AsyncClient(
            auth=sandbox.token, base_url=sandbox.base_url, client=http, retry=False
        )
        with pytest.raises(APIResponseError) as info:
            await client.users.list()
    assert info.value.code == APIErrorCode.RateLimited
    assert info.value.headers["retry-after"] == "1"
    sandbox.faults.script(status=503, count=3)
    sandbox.faults.clear()
    assert sandbox.faults.pending() == 0


@pytest.mark.asyncio
async def test_stats_reset_and_introspection_not_counted(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        await get(http, sandbox, "users/me")
        stats = (await http.get(f"{sandbox.base_url}/__sandbox/stats")).json()
        assert stats == sandbox.stats()
        assert stats["requests_total"] == 1
        reset = await http.post(f"{sandbox.base_url}/__sandbox/stats/reset")
        assert reset.json()["requests_total"] == 0
        manifest = (await http.get(f"{sandbox.base_url}/__sandbox/manifest")).json()
    assert manifest == sandbox.manifest()
    assert sandbox.stats()["requests_total"] == 0
