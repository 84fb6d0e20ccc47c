"""Notion-hosted files: find them in served objects and download them before their links expire.

Notion-hosted URLs expire an hour after the response that carried them, so the
fetcher downloads them at fetch time into the content-addressed store. An expired
link (403 from the storage service) is refreshed by re-reading the object that owns
it. External files stay links unless the export asks for them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from notion_sync import metrics
from notion_sync.errors import NotionError
from sinks.document import FileRef
from sinks.store import FileStore

__all__ = ["FileLink", "download_files", "find_files"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileLink:
    """A file object found in a served object, with the id of the object that owns it."""

    url: str
    hosted: bool
    owner_id: str
    owner_kind: str  # "block" or "page" or "data_source"
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
    """Every file object in a page, block, data source or comment (not in nested children)."""
    owner_id = str(obj.get("id", ""))
    kind = obj.get("object")
    owner_kind = kind if kind in ("page", "data_source", "block") else "block"
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
Downloader = Callable[[str], Awaitable[tuple[int, bytes, str]]]


async def download_files(
    links: list[FileLink],
    store: FileStore,
    download: Downloader,
    refresh: Refresher,
    *,
    download_external: bool,
) -> tuple[dict[str, FileRef], list[str]]:
    """Download each wanted file once; returns url → blob ref, and problems to report."""
    refs: dict[str, FileRef] = {}
    problems: list[str] = []
    for link in links:
        if link.url in refs or not (link.hosted or download_external):
            continue
        url = link.url
        try:
            status, body, content_type = await download(url)
            if status == 403 and link.hosted:
                fresh = await refresh(link)
                if fresh:
                    status, body, content_type = await download(fresh)
        except NotionError as exc:
            problems.append(f"file {link.name!r} of {link.owner_id}: {exc}")
            continue
        if status != 200:
            problems.append(f"file {link.name!r} of {link.owner_id}: HTTP {status}")
            continue
        sha = store.put(body)
        metrics.FILES_DOWNLOADED.inc()
        metrics.FILE_BYTES.inc(len(body))
        refs[link.url] = FileRef(
            sha256=sha, name=link.name, size=len(body), content_type=content_type
        )
    return refs, problems
