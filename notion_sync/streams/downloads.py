"""Notion-hosted files: find them in served objects and download them before their links expire.

Notion-hosted URLs expire an hour after the response that carried them, so the
fetcher downloads them at fetch time into the content-addressed store, streamed
to disk (a file can be far larger than a worker's memory). An expired link (403
from the storage service) is refreshed by re-reading the object that owns it.
External files stay links unless the export asks for them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from notion_sync.core import metrics
from notion_sync.core.errors import NotionError
from notion_sync.store.document import FileRef
from notion_sync.store.files import FileStore

__all__ = ["FileLink", "download_files", "find_files"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileLink:
    """A file object found in a served object, with the id of the object that owns it."""

    url: str
    hosted: bool
    owner_id: str
    owner_kind: str  # "block" or "page" or "data_source" or "database"
    name: str


def _file_name(file_obj: dict[str, Any], url: str) -> str:
    name = file_obj.get("name")
    if isinstance(name, str) and name:
        return name
    path = unquote(urlsplit(url).path)
    return path.rsplit("/", 1)[-1] or "file"


def _file_object(value: Any, owner_id: str, owner_kind: str) -> Iterator[FileLink]:
    if not isinstance(value, dict):
        return
    kind = value.get("type")
    inner = value.get(kind) if isinstance(kind, str) else None
    if kind in ("file", "external") and isinstance(inner, dict):
        url = inner.get("url")
        if isinstance(url, str) and url:
            yield FileLink(url, kind == "file", owner_id, owner_kind, _file_name(value, url))


def find_files(obj: dict[str, Any]) -> Iterator[FileLink]:
    """Every file object in a page, block, data source, database or comment (not in nested
    children)."""
    owner_id = str(obj.get("id", ""))
    kind = obj.get("object")
    owner_kind = kind if kind in ("page", "data_source", "database", "block") else "block"
    for key in ("icon", "cover"):
        yield from _file_object(obj.get(key), owner_id, owner_kind)
    block_type = obj.get("type")
    if kind == "block" and isinstance(block_type, str):
        yield from _file_object(obj.get(block_type), owner_id, owner_kind)
    for prop in (obj.get("properties") or {}).values():
        if isinstance(prop, dict) and prop.get("type") == "files":
            for item in prop.get("files") or []:
                yield from _file_object(item, owner_id, owner_kind)
    for attachment in obj.get("attachments") or []:
        if isinstance(attachment, dict):
            url = (attachment.get("file") or {}).get("url")
            if isinstance(url, str) and url:
                yield FileLink(url, True, owner_id, owner_kind, _file_name(attachment, url))


Refresher = Callable[[FileLink], Awaitable[str | None]]
#: Opens a GET of a file URL; the response's body is read as a stream.
Opener = Callable[[str], AbstractAsyncContextManager[httpx.Response]]


async def _download(open_url: Opener, store: FileStore, url: str) -> tuple[int, FileRef | None]:
    """Stream one file into the store (never whole in memory); its ref if the answer was 200."""
    async with open_url(url) as response:
        if response.status_code != 200:
            return response.status_code, None
        sha, size = await store.put_stream(response.aiter_bytes())
        content_type = response.headers.get("content-type", "application/octet-stream")
    return 200, FileRef(sha256=sha, name="", size=size, content_type=content_type)


async def download_files(
    links: list[FileLink],
    store: FileStore,
    open_url: Opener,
    refresh: Refresher,
    *,
    download_external: bool,
    done: set[str],
) -> tuple[dict[str, FileRef], list[str]]:
    """Download each wanted file not in ``done`` (the URLs a document already has); returns
    url → blob ref, and problems to report. ``done`` gains the URLs tried."""
    refs: dict[str, FileRef] = {}
    problems: list[str] = []
    for link in links:
        if link.url in done or not (link.hosted or download_external):
            continue
        done.add(link.url)
        try:
            status, ref = await _download(open_url, store, link.url)
            if status == 403 and link.hosted:
                fresh = await refresh(link)
                if fresh:
                    status, ref = await _download(open_url, store, fresh)
        except NotionError as exc:
            problems.append(f"file {link.name!r} of {link.owner_id}: {exc}")
            continue
        if ref is None:
            problems.append(f"file {link.name!r} of {link.owner_id}: HTTP {status}")
            continue
        metrics.FILES_DOWNLOADED.inc()
        metrics.FILE_BYTES.inc(ref["size"])
        refs[link.url] = {**ref, "name": link.name}
    return refs, problems
