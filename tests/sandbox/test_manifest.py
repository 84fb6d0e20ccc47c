"""The manifest and the API agree object for object; the workspace has every edge case."""

from __future__ import annotations

import httpx
import pytest

from notion_sync.sandbox import Sandbox, SandboxConfig, minimum_requests
from notion_sync.sandbox.generator import HOSTILE_TITLES, build_workspace
from notion_sync.sandbox.properties import PROPERTY_LAYOUT

from . import shapes
from .helpers import get, post


@pytest.mark.asyncio
async def test_databases_data_sources_users_match(sandbox: Sandbox) -> None:
    manifest = sandbox.manifest()
    async with httpx.AsyncClient(timeout=60) as http:
        for db in manifest["databases"]:
            body = (await get(http, sandbox, f"databases/{db['id']}")).json()
            shapes.database(body)
            assert body["parent"] == db["parent"]
            assert [d["id"] for d in body["data_sources"]] == db["data_sources"]
            assert body["title"][0]["plain_text"] == db["title"]
            block = (await get(http, sandbox, f"blocks/{db['id']}")).json()
            shapes.block(block)
            assert block["type"] == "child_database"
        assert any(len(db["data_sources"]) == 2 for db in manifest["databases"])
        for ds in manifest["data_sources"]:
            body = (await get(http, sandbox, f"data_sources/{ds['id']}")).json()
            shapes.data_source(body)
            assert body["parent"] == {"type": "database_id", "database_id": ds["database_id"]}
            types = {p["type"] for p in body["properties"].values()}
            assert types == {t for _, t in PROPERTY_LAYOUT}
            formulas = {
                p["formula"]["expression"]
                for p in body["properties"].values()
                if p["type"] == "formula"
            }
            assert len(formulas) == 4
        for user in manifest["users"]:
            body = (await get(http, sandbox, f"users/{user['id']}")).json()
            shapes.user(body)
            assert (body["type"], body["name"]) == (user["type"], user["name"])
        me = (await get(http, sandbox, "users/me")).json()
        assert me["id"] == manifest["bot_id"]
        assert me["bot"]["workspace_name"] == manifest["workspace_name"]
        for page in manifest["pages"]:
            resp = await get(http, sandbox, f"pages/{page['id']}")
            if not page["shared"]:
                assert resp.status_code == 404
                continue
            body = resp.json()
            title = next(p for p in body["properties"].values() if p["type"] == "title")
            assert "".join(t["plain_text"] for t in title["title"]) == page["title"]
            assert body["parent"] == page["parent"]


@pytest.mark.asyncio
async def test_property_items_paginate_past_25(sandbox: Sandbox) -> None:
    manifest = sandbox.manifest()
    page = next(p for p in manifest["pages"] if p["truncated_properties"])
    async with httpx.AsyncClient(timeout=60) as http:
        body = (await get(http, sandbox, f"pages/{page['id']}")).json()
        by_id = {p["id"]: p for p in body["properties"].values()}
        for prop_id, total in page["truncated_properties"].items():
            prop = by_id[prop_id]
            shown = prop[prop["type"]]
            assert len(shown) == 25
            if prop["type"] == "relation":
                assert prop["has_more"] is True
            items, cursor = [], None
            while True:
                params = {"page_size": 10} | ({"start_cursor": cursor} if cursor else {})
                resp = (
                    await get(http, sandbox, f"pages/{page['id']}/properties/{prop_id}", **params)
                ).json()
                shapes.list_response(resp, "property_item")
                assert resp["property_item"]["type"] == prop["type"]
                assert (resp["property_item"]["next_url"] is None) == (not resp["has_more"])
                items += resp["results"]
                if not resp["has_more"]:
                    break
                cursor = resp["next_cursor"]
            assert len(items) == total > 25
            first = [i[prop["type"]] for i in items[:25]]
            assert first == shown
        # Non-list properties come back as a single property item.
        number = next(p for p in body["properties"].values() if p["type"] == "number")
        one = (await get(http, sandbox, f"pages/{page['id']}/properties/{number['id']}")).json()
        assert one["object"] == "property_item" and one["number"] == number["number"]


@pytest.mark.asyncio
async def test_data_source_query_filters_and_sorts(sandbox: Sandbox) -> None:
    ds = sandbox.manifest()["data_sources"][0]
    path = f"data_sources/{ds['id']}/query"
    async with httpx.AsyncClient(timeout=60) as http:
        done = (
            await post(
                http, sandbox, path, {"filter": {"property": "Done", "checkbox": {"equals": True}}}
            )
        ).json()
        not_done = (
            await post(
                http,
                sandbox,
                path,
                {"filter": {"or": [{"property": "Done", "checkbox": {"equals": False}}]}},
            )
        ).json()
        by_estimate = (
            await post(
                http,
                sandbox,
                path,
                {"sorts": [{"property": "Estimate", "direction": "descending"}]},
            )
        ).json()
        by_time = (
            await post(
                http,
                sandbox,
                path,
                {
                    "sorts": [{"timestamp": "created_time", "direction": "ascending"}],
                    "page_size": 5,
                },
            )
        ).json()
        bad = await post(http, sandbox, path, {"filter": {"property": "Done"}})
    assert len(done["results"]) + len(not_done["results"]) == len(ds["row_ids"])
    assert all(r["properties"]["Done"]["checkbox"] for r in done["results"])
    estimates = [r["properties"]["Estimate"]["number"] for r in by_estimate["results"]]
    numbers = [e for e in estimates if e is not None]
    assert numbers == sorted(numbers, reverse=True) and estimates[: len(numbers)] == numbers
    created = [r["created_time"] for r in by_time["results"]]
    assert created == sorted(created) and by_time["has_more"]
    shapes.error(bad.json(), 400, "validation_error")


def test_generated_workspace_edge_cases() -> None:
    ws = build_workspace(7, 200)
    assert max(p.depth for p in ws.pages) >= 5
    assert {p.title for p in ws.pages} >= set(HOSTILE_TITLES)
    assert sum(not p.shared for p in ws.pages) >= 2
    assert sum(p.shared and not p.in_search for p in ws.pages) >= 2
    assert {"empty", "exact100", "exact101", "huge", "showcase"} <= {p.special for p in ws.pages}


def test_generation_is_deterministic_and_budget_is_stable() -> None:
    a = Sandbox(SandboxConfig(pages=120, seed=3)).manifest()
    b = Sandbox(SandboxConfig(pages=120, seed=3)).manifest()
    c = Sandbox(SandboxConfig(pages=120, seed=4)).manifest()
    assert a == b
    assert a != c
    budget = minimum_requests(a)
    assert budget["total"] == sum(v for k, v in budget.items() if k != "total")
    assert budget["POST /v1/search"] >= 1 and budget["GET /v1/pages/{id}"] >= 1
