"""A complete, request-minimal walker of a Notion workspace through notion-client.

It follows exactly the strategy :func:`notion_sync.sandbox.minimum_requests` assumes, so a
test can compare the sandbox's request counts with the manifest's budget. It works with
both ``notion_client.Client`` and ``AsyncClient`` (sync calls simply block).
"""

from __future__ import annotations

import asyncio
import inspect
from dataclasses import dataclass, field
from typing import Any

from notion_client import APIErrorCode, APIResponseError

from . import shapes

JSON = dict[str, Any]
LINKS = ("child_page", "child_database")


async def call(fn: Any, **kwargs: Any) -> JSON:
    result = fn(**kwargs)
    if inspect.isawaitable(result):
        result = await result
    assert isinstance(result, dict)
    return result


async def collect(fn: Any, type_: str, **kwargs: Any) -> list[JSON]:
    out: list[JSON] = []
    cursor = None
    while True:
        extra = {"start_cursor": cursor} if cursor else {}
        res = await call(fn, page_size=100, **kwargs, **extra)
        shapes.list_response(res, type_)
        out.extend(res["results"])
        if not res["has_more"]:
            return out
        cursor = res["next_cursor"]


@dataclass
class PageReport:
    """What the walker saw of one page."""

    block_count: int = 0
    children_counts: list[int] = field(default_factory=list)
    comment_count: int = 0
    hosted_files: list[str] = field(default_factory=list)
    block_types: set[str] = field(default_factory=set)


@dataclass
class WalkResult:
    """Everything the walker collected."""

    pages: dict[str, JSON] = field(default_factory=dict)
    data_sources: dict[str, JSON] = field(default_factory=dict)
    databases: dict[str, JSON] = field(default_factory=dict)
    users: list[JSON] = field(default_factory=list)
    reports: dict[str, PageReport] = field(default_factory=dict)
    rows: dict[str, list[str]] = field(default_factory=dict)
    unshared: set[str] = field(default_factory=set)
    full_properties: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    block_comments: int = 0


class Walker:
    """Walks a workspace with ``client`` (``concurrency`` pages at a time)."""

    def __init__(self, client: Any, concurrency: int = 8) -> None:
        self.client = client
        self.result = WalkResult()
        self.sem = asyncio.Semaphore(concurrency)

    async def run(self) -> WalkResult:
        c, r = self.client, self.result
        for obj in await collect(c.search, "page_or_data_source"):
            if obj["object"] == "page":
                shapes.page(obj)
                r.pages[obj["id"]] = obj
            else:
                shapes.data_source(obj)
                r.data_sources[obj["id"]] = obj
        r.users = await collect(c.users.list, "user")
        for u in r.users:
            shapes.user(u)
        await asyncio.gather(*(self.page(pid) for pid in list(r.pages)))
        for ds_id, source in r.data_sources.items():
            database_id = source["parent"]["database_id"]
            if database_id not in r.databases:
                r.databases[database_id] = await call(c.databases.retrieve, database_id=database_id)
                shapes.database(r.databases[database_id])
            rows = await collect(c.data_sources.query, "page_or_data_source", data_source_id=ds_id)
            for row in rows:
                shapes.page(row)
                assert row == r.pages[row["id"]] or _same_but_files(row, r.pages[row["id"]])
            r.rows[ds_id] = [row["id"] for row in rows]
        return r

    async def page(self, page_id: str) -> None:
        async with self.sem:
            report = self.result.reports.setdefault(page_id, PageReport())
            page = self.result.pages[page_id]
            shapes.page(page, report.hosted_files)
            top = await collect(self.client.blocks.children.list, "block", block_id=page_id)
            report.children_counts.append(len(top))
            discovered = await self.blocks(top, report)
            comments = await collect(self.client.comments.list, "comment", block_id=page_id)
            for com in comments:
                shapes.comment(com)
                assert com["parent"] == {"type": "page_id", "page_id": page_id}
            report.comment_count = len(comments)
            await self.properties(page)
        await asyncio.gather(*(self.page(pid) for pid in discovered))

    async def properties(self, page: JSON) -> None:
        for prop in page["properties"].values():
            kind = prop["type"]
            truncated = (kind == "relation" and prop["has_more"]) or (
                kind in ("rich_text", "title", "people") and len(prop[kind]) == 25
            )
            if not truncated:
                continue
            items = await collect(
                self.client.pages.properties.retrieve,
                "property_item",
                page_id=page["id"],
                property_id=prop["id"],
            )
            assert all(i["object"] == "property_item" and i["type"] == kind for i in items)
            self.result.full_properties[(page["id"], prop["id"])] = items

    async def blocks(self, blocks: list[JSON], report: PageReport) -> list[str]:
        """Validate and recurse; return ids of pages found only through child_page blocks."""
        discovered: list[str] = []
        for block in blocks:
            shapes.block(block, report.hosted_files)
            report.block_count += 1
            report.block_types.add(block["type"])
            if block["type"] == "child_page" and block["id"] not in self.result.pages:
                if block["id"] in self.result.unshared:
                    continue
                try:
                    page = await call(self.client.pages.retrieve, page_id=block["id"])
                except APIResponseError as exc:
                    assert exc.code == APIErrorCode.ObjectNotFound and exc.status == 404
                    self.result.unshared.add(block["id"])
                    continue
                shapes.page(page)
                self.result.pages[page["id"]] = page
                discovered.append(page["id"])
            if block["has_children"] and block["type"] not in LINKS:
                kids = await collect(
                    self.client.blocks.children.list, "block", block_id=block["id"]
                )
                report.children_counts.append(len(kids))
                discovered += await self.blocks(kids, report)
        return discovered


def _same_but_files(a: JSON, b: JSON) -> bool:
    """Equal except for signed file URLs (which are re-signed per response)."""

    def strip(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {
                k: (
                    "<url>"
                    if k in ("url", "expiry_time") and "__files" in str(obj.get("url"))
                    else strip(v)
                )
                for k, v in obj.items()
            }
        if isinstance(obj, list):
            return [strip(v) for v in obj]
        return obj

    return bool(strip(a) == strip(b))
