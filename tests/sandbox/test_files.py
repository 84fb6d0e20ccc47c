"""Notion-hosted files: signed URLs served by the sandbox, expiring like S3 links."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from urllib.parse import urlsplit

import httpx
import pytest

from notion_sync.sandbox import ManualClock, Sandbox

from .helpers import get, manifest_page

Factory = Callable[..., Awaitable[Sandbox]]


async def _hosted_file_block(http: httpx.AsyncClient, sb: Sandbox) -> dict:
    manifest = sb.manifest()
    for page in manifest["pages"]:
        for f in page["files"]:
            if f["type"] == "file" and "block_id" in f:
                resp = await get(http, sb, f"blocks/{f['block_id']}")
                assert resp.status_code == 200
                return resp.json()
    raise AssertionError("no hosted file block")


@pytest.mark.asyncio
async def test_file_url_expires(sandbox_factory: Factory, manual_clock: ManualClock) -> None:
    sb = await sandbox_factory(pages=60, file_url_ttl=1, clock=manual_clock)
    async with httpx.AsyncClient(timeout=60) as http:
        block = await _hosted_file_block(http, sb)
        file_obj = block[block["type"]]["file"]
        url = file_obj["url"]
        assert url.startswith(f"{sb.base_url}/__files/")
        expiry = datetime.fromisoformat(file_obj["expiry_time"].replace("Z", "+00:00"))
        fresh = await http.get(url)
        assert fresh.status_code == 200 and fresh.content
        manual_clock.set(expiry.timestamp())
        expired = await http.get(url)
        assert expired.status_code == 403
        assert b"<Code>AccessDenied</Code>" in expired.content
        assert expired.headers["Content-Type"].startswith("application/xml")
        # A new response carries a new URL that works again.
        again = await get(http, sb, f"blocks/{block['id']}")
        renewed = again.json()[block["type"]]["file"]["url"]
        assert renewed != url and (await http.get(renewed)).status_code == 200
        tampered = urlsplit(renewed)._replace(query="expires=99999999999&sig=0").geturl()
        forged = await http.get(tampered)
        assert forged.status_code == 403 and b"SignatureDoesNotMatch" in forged.content
    stats = sb.stats()
    assert stats["file_downloads"] == 2
    assert stats["expired_file_requests"] == 1
    assert "GET /__files/{file_id}/{name}" not in stats["by_endpoint"]


@pytest.mark.asyncio
async def test_every_manifest_file_downloads(sandbox: Sandbox) -> None:
    """Every Notion-hosted file in the manifest (covers, icons, property files, file
    blocks) is reachable through the API and downloads."""
    manifest = sandbox.manifest()
    assert {"page_field", "property", "block_id", "database_field"} <= {
        k
        for f in manifest["files"]
        for k in ("page_field", "property", "block_id", "database_field")
        if k in f
    }
    page = manifest_page(manifest, special="showcase")
    assert {"png", "pdf", "mp4", "mp3", "txt"} <= {
        f["name"].rsplit(".", 1)[-1] for f in page["files"]
    }
    urls: dict[str, str] = {}

    def harvest(obj: object) -> None:
        if isinstance(obj, dict):
            url = obj.get("url")
            if isinstance(url, str) and "/__files/" in url:
                urls[urlsplit(url).path.split("/")[2]] = url
            for value in obj.values():
                harvest(value)
        elif isinstance(obj, list):
            for value in obj:
                harvest(value)

    async with httpx.AsyncClient(timeout=60) as http:
        for f in manifest["files"]:
            if "block_id" in f:
                path = f"blocks/{f['block_id']}"
            elif "database_field" in f:
                path = f"databases/{f['owner']['database_id']}"
            else:
                path = f"pages/{f['owner']['page_id']}"
            resp = await get(http, sandbox, path)
            assert resp.status_code == 200
            harvest(resp.json())
        assert {f["file_id"] for f in manifest["files"]} <= set(urls)
        for url in urls.values():
            assert (await http.get(url)).status_code == 200
    assert sandbox.stats()["file_downloads"] == len(urls)
