"""Several integrations on one server: a workspace and a rate budget per token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from notion_sync.sandbox import Integration, ManualClock, Sandbox, SandboxConfig
from notion_sync.sandbox.stats import Stats

from .helpers import headers

Factory = Callable[..., Awaitable[Sandbox]]

TEAM = Integration(name="team", token="team-token", seed=8, pages=30, rate=2.0, burst=3)


async def _get(http: httpx.AsyncClient, sb: Sandbox, path: str, token: str) -> httpx.Response:
    return await http.get(f"{sb.base_url}/v1/{path}", headers=headers(sb, token))


async def _search_ids(http: httpx.AsyncClient, sb: Sandbox, token: str) -> set[str]:
    response = await http.post(
        f"{sb.base_url}/v1/search", json={"page_size": 100}, headers=headers(sb, token)
    )
    assert response.status_code == 200
    return {hit["id"] for hit in response.json()["results"]}


@pytest.mark.asyncio
async def test_each_token_sees_its_own_workspace(sandbox_factory: Factory) -> None:
    sb = await sandbox_factory(pages=30, integrations=(TEAM,))
    assert sb.tokens == {"default": sb.token, "team": "team-token"}
    async with httpx.AsyncClient(timeout=60) as http:
        first, team = (
            await _search_ids(http, sb, sb.token),
            await _search_ids(http, sb, "team-token"),
        )
        assert first and team and not first & team
        assert team <= {p["id"] for p in sb.manifest("team")["pages"]} | {
            d["id"] for d in sb.manifest("team")["data_sources"]
        }
        # Each workspace's objects are found only with its own token, as in Notion.
        some_team_page = next(p["id"] for p in sb.manifest("team")["pages"] if p["shared"])
        assert (await _get(http, sb, f"pages/{some_team_page}", "team-token")).status_code == 200
        assert (await _get(http, sb, f"pages/{some_team_page}", sb.token)).status_code == 404
        assert (await _get(http, sb, "users/me", "nobody's-token")).status_code == 401
        served = await http.get(f"{sb.base_url}/__sandbox/manifest", params={"integration": "team"})
        assert served.json()["pages"] == sb.manifest("team")["pages"]
        missing = await http.get(f"{sb.base_url}/__sandbox/manifest", params={"integration": "x"})
        assert missing.status_code == 404
    lines = sb.stats()["by_integration"]
    assert lines["default"]["requests"] == 2 and lines["team"]["requests"] == 2
    assert sb.stats()["requests_total"] == 5  # the unknown token is on no integration's line


@pytest.mark.asyncio
async def test_budgets_are_per_integration(
    sandbox_factory: Factory, manual_clock: ManualClock
) -> None:
    sb = await sandbox_factory(
        pages=30, rate=3.0, burst=10, integrations=(TEAM,), clock=manual_clock
    )
    async with httpx.AsyncClient(timeout=60) as http:
        team = [(await _get(http, sb, "users/me", "team-token")).status_code for _ in range(4)]
        assert team == [200, 200, 200, 429]  # the team's burst is 3
        first = [(await _get(http, sb, "users/me", sb.token)).status_code for _ in range(10)]
        assert first == [200] * 10  # the first integration's bucket is untouched
        manual_clock.advance(0.3)  # inside the Retry-After pause
        assert (await _get(http, sb, "users/me", "team-token")).status_code == 429
    lines = sb.stats()["by_integration"]
    assert lines["team"] == {
        "requests": 5,
        "rate_limited": 2,
        "retry_after_violations": 1,
        "peak_per_second": 3,
    }
    assert lines["default"] == {
        "requests": 10,
        "rate_limited": 0,
        "retry_after_violations": 0,
        "peak_per_second": 10,
    }


@pytest.mark.asyncio
async def test_files_of_every_integration_download(sandbox_factory: Factory) -> None:
    sb = await sandbox_factory(pages=60, integrations=(Integration("team", "team-token", 9, 60),))
    async with httpx.AsyncClient(timeout=60) as http:
        for name, token in sb.tokens.items():
            hosted = next(
                f
                for page in sb.manifest(name)["pages"]
                for f in page["files"]
                if f["type"] == "file" and "block_id" in f
            )
            block = (await _get(http, sb, f"blocks/{hosted['block_id']}", token)).json()
            url = block[block["type"]]["file"]["url"]
            assert (await http.get(url)).status_code == 200, name
            tampered = url.replace("sig=", "sig=0")
            assert (await http.get(tampered)).status_code == 403


def test_peak_second_counts_admitted_requests_by_the_second() -> None:
    stats = Stats()
    for at in (10.0, 10.5, 10.99, 11.0, 12.2):
        stats.request("GET /v1/users/me", 200, "a", at)
    stats.request("GET /v1/users/me", 429, "a", 12.3)
    stats.request("GET /v1/users/me", 200, "b", 12.4)
    stats.request("GET /v1/users/me", 401, None, 12.5)
    lines = stats.snapshot()["by_integration"]
    assert lines["a"]["peak_per_second"] == 3 and lines["a"]["requests"] == 6
    assert lines["b"]["peak_per_second"] == 1
    assert set(lines) == {"a", "b"}


def test_integrations_need_tokens_and_names_of_their_own() -> None:
    with pytest.raises(ValueError, match="of its own"):
        SandboxConfig(integrations=(Integration("team", SandboxConfig().token, 2),))
    with pytest.raises(ValueError, match="of its own"):
        SandboxConfig(integrations=(Integration("a", "x", 2), Integration("a", "y", 3)))
