"""Issue 5: Notion-hosted files are downloaded at fetch time; an expired link is refreshed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from notion_sync.config import NotionSettings
from notion_sync.notion.client import NotionGateway
from notion_sync.notion.documents import collect_page
from notion_sync.sandbox import Sandbox
from notion_sync.sandbox.clock import ManualClock
from sinks.store import FileStore

Factory = Callable[..., Awaitable[Sandbox]]


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
        collected = await collect_page(
            gateway, page_id, listed, files, include_comments=False, download_external=False
        )
    finally:
        await gateway.aclose()
    assert collected.doc is not None
    assert collected.problems == []
    refs = collected.doc["files"]
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
        collected = await collect_page(
            gateway,
            page_id,
            None,
            FileStore(tmp_path),
            include_comments=True,
            download_external=False,
        )
    finally:
        await gateway.aclose()
    assert collected.doc is not None
    assert all("__files/" in url for url in collected.doc["files"])


async def test_downloads_are_counted_in_metrics(sandbox_factory: Factory, tmp_path: Path) -> None:
    from notion_sync import metrics

    before = metrics.FILES_DOWNLOADED._value.get(), metrics.FILE_BYTES._value.get()
    sb = await sandbox_factory(pages=20)
    gateway = NotionGateway(
        NotionSettings(base_url=sb.base_url, rate=1000, burst=100), sb.token, "sandbox"
    )
    try:
        collected = await collect_page(
            gateway,
            _page_with_hosted_file(sb),
            None,
            FileStore(tmp_path),
            include_comments=False,
            download_external=False,
        )
    finally:
        await gateway.aclose()
    assert collected.doc is not None
    sizes = [ref["size"] for ref in collected.doc["files"].values()]
    assert metrics.FILES_DOWNLOADED._value.get() - before[0] == len(sizes) > 0
    assert metrics.FILE_BYTES._value.get() - before[1] == sum(sizes)
