"""Property ids are percent-encoded and may decode to any character; every one must route."""

from __future__ import annotations

import math

import httpx
import notion_client

from notion_sync.sandbox import Sandbox, SandboxConfig


async def test_every_property_of_every_row_is_retrievable_by_its_id() -> None:
    async with Sandbox(SandboxConfig(pages=60, seed=11, rate=math.inf)) as sb:
        client = notion_client.AsyncClient(
            auth=sb.token, base_url=sb.base_url, client=httpx.AsyncClient(), retry=False
        )
        checked = 0
        ids = ""
        sources = [s for s in sb.manifest()["data_sources"] if s["row_ids"]]
        for source in sources:
            row_id = source["row_ids"][0]
            row = await client.pages.retrieve(row_id)
            for prop in row["properties"].values():
                item = await client.pages.properties.retrieve(row_id, prop["id"])
                assert item["object"] in ("property_item", "list"), prop
                checked += 1
                ids += prop["id"]
        await client.aclose()
    assert checked > 20
    assert "%7B" in ids or "%7D" in ids or "%5B" in ids  # the awkward characters are exercised
