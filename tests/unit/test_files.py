"""Issue 5: Notion-hosted files are downloaded at fetch time; an expired link is refreshed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

from notion_sync.core.config import NotionSettings
from notion_sync.notion.client import NotionGateway
from notion_sync.sandbox import Sandbox
from notion_sync.sandbox.clock import ManualClock
from notion_sync.store.chunks import assemble, encode_part
from notion_sync.store.files import FileStore
from notion_sync.streams.reader import read_page

Factory = Callable[..., Awaitable[Sandbox]]


async def _read_page(
    gateway: NotionGateway, page: dict[str, Any], files: FileStore, **options: bool
) -> tuple[dict[str, Any], list[str]]:
    """The whole page document its pieces make (as the sink gets it), and their problems."""
    parts: list[tuple[str, Any]] = []
    problems: list[str] = []
    async for piece in read_page(gateway, page, files, **options):
        for part, value in piece.parts:
            parts += [(part, orjson.loads(payload)) for payload in encode_part(part, value)]
        problems += piece.problems
    return assemble(page["id"], "page", parts), problems


def _page_with_hosted_file(sb: Sandbox) -> str:
    return next(
        p["id"]
        for p in sb.manifest()["pages"]
        if p["shared"] and any(f["type"] == "file" and "block_id" in f for f in p["files"])
    )


async def test_expired_links_are_refreshed_from_the_owning_object(
    sandbox_factory: Factory, manual_clock: ManualClock, tmp_path: Path
) -> None:
    sb = await sandbox_factory(pages=20, clock=manual_clock, file_url_ttl=60)
    gateway = NotionGateway(
        NotionSettings(base_url=sb.base_url, rate=1000, burst=100), sb.token, "sandbox"
    )
    try:
        page_id = _page_with_hosted_file(sb)
        listed = await gateway.retrieve_page(page_id)
        # The page was listed an hour ago: every URL it carries has expired by now.
        manual_clock.advance(3600)
        sb.reset_stats()
        files = FileStore(tmp_path)
        doc, problems = await _read_page(
            gateway, listed, files, include_comments=False, download_external=False
        )
    finally:
        await gateway.aclose()
    assert problems == []
    refs = doc["files"]
    hosted = next(f for f in sb.manifest()["pages"] if f["id"] == page_id)["files"]
    assert len(refs) >= len([f for f in hosted if f["type"] == "file"])
    for ref in refs.values():
        assert files.has(ref["sha256"])
        assert files.path_for(ref["sha256"]).stat().st_size == ref["size"] > 0
    stats = sb.stats()
    assert stats["expired_file_requests"] >= 1  # the cover listed an hour ago had expired
    assert stats["by_endpoint"].get("GET /v1/pages/{id}", {}).get("200", 0) >= 1  # refreshed


async def test_external_files_stay_links_unless_asked(
    sandbox_factory: Factory, tmp_path: Path
) -> None:
    sb = await sandbox_factory(pages=20)
    gateway = NotionGateway(
        NotionSettings(base_url=sb.base_url, rate=1000, burst=100), sb.token, "sandbox"
    )
    try:
        page_id = next(
            p["id"]
            for p in sb.manifest()["pages"]
            if p["shared"] and any(f["type"] == "external" for f in p["files"])
        )
        doc, _ = await _read_page(
            gateway,
            await gateway.retrieve_page(page_id),
            FileStore(tmp_path),
            include_comments=True,
            download_external=False,
        )
    finally:
        await gateway.aclose()
    assert doc["files"]
    assert all("__files/" in url for url in doc["files"])


async def test_downloads_are_counted_in_metrics(sandbox_factory: Factory, tmp_path: Path) -> None:
    from notion_sync.core import metrics

    before = metrics.FILES_DOWNLOADED._value.get(), metrics.FILE_BYTES._value.get()
    sb = await sandbox_factory(pages=20)
    gateway = NotionGateway(
        NotionSettings(base_url=sb.base_url, rate=1000, burst=100), sb.token, "sandbox"
    )
    try:
        doc, _ = await _read_page(
            gateway,
            await gateway.retrieve_page(_page_with_hosted_file(sb)),
            FileStore(tmp_path),
            include_comments=False,
            download_external=False,
        )
    finally:
        await gateway.aclose()
    sizes = [ref["size"] for ref in doc["files"].values()]
    assert metrics.FILES_DOWNLOADED._value.get() - before[0] == len(sizes) > 0
    assert metrics.FILE_BYTES._value.get() - before[1] == sum(sizes)
