"""The renderers against the Notion sandbox, through the official notion-client.

A small walker in this file (independent of ``notion_sync.streams`` and ``notion_sync.notion``
on purpose) reads the generated workspace into a DocumentStore and downloads the
sandbox-hosted files; ``render_export`` then writes all four formats. We check
that every page of the sandbox manifest exists in every format, that every
relative link and image in Markdown and HTML resolves inside the tree, that
every CSV has one row per data source row, and that Debian's headless Chromium
loads the index and the richest page with no failed local request.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
import pytest_asyncio
from markdown_it import MarkdownIt
from notion_client import APIErrorCode, APIResponseError, AsyncClient
from notion_client.helpers import async_collect_paginated_api

from notion_sync.sandbox import Sandbox, SandboxConfig
from notion_sync.sinks.csv_format import PAGE_COLUMN
from notion_sync.sinks.export import RenderReport, render_export
from notion_sync.sinks.layout import Layout, build_layout
from notion_sync.store.document import FileRef
from notion_sync.store.documents import DocumentStore
from notion_sync.store.files import FileStore
from tests.integration.browser import chromium, page_url, screenshot, serve
from tests.unit.sinks.htmlcheck import parse_html

JSON = dict[str, Any]
_DOC_BLOCKS = ("child_page", "child_database")
_MEDIA = ("image", "video", "pdf", "file", "audio")


async def _tree(client: AsyncClient, block_id: str) -> list[JSON]:
    kids: list[JSON] = await async_collect_paginated_api(
        client.blocks.children.list, block_id=block_id
    )
    for kid in kids:
        if kid.get("has_children") and kid.get("type") not in _DOC_BLOCKS:
            kid["children"] = await _tree(client, kid["id"])
    return kids


def _walk(blocks: list[JSON]) -> Iterator[JSON]:
    for b in blocks:
        yield b
        yield from _walk(b.get("children") or [])


def _file_objects(obj: Any) -> Iterator[JSON]:
    """Every Notion-hosted file object (``{"type": "file", "file": {"url": …}}``) inside obj."""
    if isinstance(obj, dict):
        if (
            obj.get("type") == "file"
            and isinstance(obj.get("file"), dict)
            and isinstance(obj["file"].get("url"), str)
        ):
            yield obj
        for value in obj.values():
            if isinstance(value, dict | list):
                yield from _file_objects(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from _file_objects(value)


async def _files(http: httpx.AsyncClient, store: FileStore, *objs: Any) -> dict[str, FileRef]:
    refs: dict[str, FileRef] = {}
    for obj in objs:
        for f in _file_objects(obj):
            url = f["file"]["url"]
            if url in refs:
                continue
            response = await http.get(url)
            response.raise_for_status()
            name = f.get("name") or url.split("?", 1)[0].rsplit("/", 1)[-1] or "file"
            refs[url] = FileRef(
                sha256=store.put(response.content),
                name=name,
                size=len(response.content),
                content_type=response.headers.get("content-type", ""),
            )
    return refs


async def _property_items(client: AsyncClient, page: JSON) -> JSON:
    full: JSON = {}
    for prop in (page.get("properties") or {}).values():
        values = prop.get(prop.get("type"))
        if prop.get("has_more") or (isinstance(values, list) and len(values) >= 25):
            full[prop["id"]] = await async_collect_paginated_api(
                client.pages.properties.retrieve, page_id=page["id"], property_id=prop["id"]
            )
    return full


async def walk_workspace(
    client: AsyncClient, http: httpx.AsyncClient, store: DocumentStore, files: FileStore
) -> dict[str, int]:
    """Fetch everything reachable into ``store``; returns rows per data source."""
    pages: dict[str, JSON | None] = {}
    sources: dict[str, JSON | None] = {}
    for item in await async_collect_paginated_api(client.search):
        (pages if item["object"] == "page" else sources)[item["id"]] = item
    row_counts: dict[str, int] = {}
    done: set[str] = set()
    while len(done) < len(pages) + len(sources):
        for sid in [s for s in sources if s not in done]:
            done.add(sid)
            source = sources[sid] or await client.data_sources.retrieve(data_source_id=sid)
            database_id = source["parent"]["database_id"]
            database = await client.databases.retrieve(database_id=database_id)
            rows = await async_collect_paginated_api(client.data_sources.query, data_source_id=sid)
            row_counts[sid] = len(rows)
            for row in rows:
                pages.setdefault(row["id"], row)
            store.put(
                {
                    "kind": "data_source",
                    "id": sid,
                    "data_source": source,
                    "database": database,
                    "rows": rows,
                    "property_items": {r["id"]: await _property_items(client, r) for r in rows},
                    "files": await _files(http, files, source, database),
                }
            )
        for pid in [p for p in pages if p not in done]:
            done.add(pid)
            try:
                page = pages[pid] or await client.pages.retrieve(page_id=pid)
            except APIResponseError as exc:  # a child page not shared with the integration
                assert exc.code == APIErrorCode.ObjectNotFound
                continue
            blocks = await _tree(client, pid)
            comments = await async_collect_paginated_api(client.comments.list, block_id=pid)
            for b in _walk(blocks):
                if b["type"] == "child_page":
                    pages.setdefault(b["id"], None)
                elif b["type"] == "child_database":
                    try:
                        database = await client.databases.retrieve(database_id=b["id"])
                    except APIResponseError as exc:
                        assert exc.code == APIErrorCode.ObjectNotFound
                        continue
                    for ds in database.get("data_sources") or []:
                        sources.setdefault(ds["id"], None)
            store.put(
                {
                    "kind": "page",
                    "id": pid,
                    "page": page,
                    "blocks": blocks,
                    "comments": comments,
                    "property_items": await _property_items(client, page),
                    "files": await _files(http, files, page, blocks, comments),
                }
            )
    users = await async_collect_paginated_api(client.users.list)
    store.put({"kind": "users", "id": "users", "users": users})
    return row_counts


@dataclass
class Rendered:
    out: Path
    layout: Layout
    report: RenderReport
    rows: dict[str, int]
    manifest: Any


FORMATS = ["json", "markdown", "html", "csv"]


async def _export(sb: Sandbox, root: Path) -> tuple[DocumentStore, dict[str, int], RenderReport]:
    store, files = DocumentStore(root / "state"), FileStore(root / "state")
    http = httpx.AsyncClient()
    client = AsyncClient(auth=sb.token, base_url=sb.base_url, client=http, retry=False)
    try:
        rows = await walk_workspace(client, http, store, files)
    finally:
        await http.aclose()
    report = render_export(store, files, FORMATS, root / "out", workspace_name="Sandbox")
    return store, rows, report


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rendered(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Rendered]:
    root = tmp_path_factory.mktemp("sandbox-render")
    async with Sandbox(SandboxConfig(pages=60, seed=3, rate=math.inf)) as sb:
        store, rows, report = await _export(sb, root / "first")
        await _export(sb, root / "second")
        manifest = sb.manifest()
    yield Rendered(root / "first" / "out", build_layout(store.entries()), report, rows, manifest)


def _ids(manifest: Any, key: str) -> list[str]:
    """Ids of what the integration can see (the manifest also lists unshared pages)."""
    return [i["id"] for i in manifest[key] if i.get("shared", True) and not i.get("in_trash")]


def _local(ref: str) -> bool:
    return bool(ref) and not urlsplit(ref).scheme and not ref.startswith(("#", "//"))


def _md_refs(text: str) -> Iterator[str]:
    def walk(tokens: list[Any]) -> Iterator[str]:
        for tok in tokens:
            if tok.type == "link_open":
                yield str(tok.attrGet("href") or "")
            if tok.type == "image":
                yield str(tok.attrGet("src") or "")
            if tok.type == "html_inline" or tok.type == "html_block":
                yield from parse_html(tok.content).links()
            yield from walk(tok.children or [])

    yield from walk(MarkdownIt("commonmark").enable("table").parse(text))


def test_render_had_no_problems(rendered: Rendered) -> None:
    assert rendered.report.problems == {}
    assert rendered.report.written["html"] >= 60
    print("unknown types:", dict(rendered.report.unknown))


def test_every_manifest_page_exists_in_every_format(rendered: Rendered) -> None:
    pages, sources = _ids(rendered.manifest, "pages"), _ids(rendered.manifest, "data_sources")
    assert pages and sources
    for pid in pages:
        for fmt, ext in (("json", ".json"), ("markdown", ".md"), ("html", ".html")):
            assert (rendered.out / fmt / rendered.layout.path(pid, ext)).is_file(), (fmt, pid)
    for sid in sources:
        for fmt, ext in (
            ("json", ".json"),
            ("markdown", ".md"),
            ("html", ".html"),
            ("csv", ".csv"),
        ):
            assert (rendered.out / fmt / rendered.layout.path(sid, ext)).is_file(), (fmt, sid)


def test_every_relative_link_and_image_resolves(rendered: Rendered) -> None:
    checked = 0
    for fmt, pattern in (("markdown", "*.md"), ("html", "*.html")):
        root = (rendered.out / fmt).resolve()
        for path in root.rglob(pattern):
            text = path.read_text(encoding="utf-8")
            if fmt == "html":
                parsed = parse_html(text)
                assert parsed.errors == [], path
                refs = parsed.links() + parsed.sources()
            else:
                refs = list(_md_refs(text))
            for ref in filter(_local, refs):
                target = (path.parent / unquote(ref.split("#", 1)[0])).resolve()
                assert target.is_file() and target.is_relative_to(root), (path, ref)
                checked += 1
    assert checked > 100


def test_two_exports_of_the_same_workspace_are_byte_identical(rendered: Rendered) -> None:
    second = rendered.out.parent.parent / "second" / "out"

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    first_tree, second_tree = tree(rendered.out), tree(second)
    assert sorted(first_tree) == sorted(second_tree)
    differing = sorted(name for name in first_tree if first_tree[name] != second_tree[name])
    # JSON keeps the served objects exactly, and some served bytes change per response:
    # signed file URLs, their expiry_time, and the response's request_id. Those are the
    # only bytes allowed to differ.
    assert [name for name in differing if not name.endswith(".json")] == []
    per_response = re.compile(
        rb'(http://127\.0\.0\.1:\d+/__files/[^"]*|"expiry_time": "[^"]*"'
        rb'|"request_id": "[^"]*")'
    )
    for name in differing:
        assert per_response.sub(b"X", first_tree[name]) == per_response.sub(b"X", second_tree[name])


def test_every_csv_has_one_row_per_data_source_row(rendered: Rendered) -> None:
    expected = {ds["id"]: len(ds["row_ids"]) for ds in rendered.manifest["data_sources"]}
    assert expected and rendered.rows == expected
    for sid, count in expected.items():
        path = rendered.out / "csv" / rendered.layout.path(sid, ".csv")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == count, path
        markdown = (rendered.out / "markdown").resolve()
        for row in rows:  # each row's page, which every row here has, in the Markdown tree
            page = (path.parent / row[PAGE_COLUMN]).resolve()
            assert page.is_file() and page.is_relative_to(markdown), (path, row[PAGE_COLUMN])


@pytest.mark.asyncio(loop_scope="module")
async def test_headless_chromium_loads_index_and_rich_page(
    rendered: Rendered, tmp_path: Path
) -> None:
    browser = chromium()
    html_root = rendered.out / "html"
    showcase = [p["id"] for p in rendered.manifest["pages"] if p.get("special") == "showcase"]
    assert showcase, "the sandbox generates one page with every block type"
    richest = html_root / rendered.layout.path(showcase[0], ".html")
    log: list[tuple[str, int]] = []
    runner, base = await serve(html_root, log)
    shots = Path(tmp_path / "shots")
    shots.mkdir()
    try:
        for name, rel in (("index", Path("index.html")), ("rich", richest.relative_to(html_root))):
            url = page_url(base, rel)
            await screenshot(browser, url, shots / f"{name}.png", tmp_path / f"profile-{name}")
            assert (shots / f"{name}.png").stat().st_size > 10_000
    finally:
        await runner.cleanup()
    failed = [(path, status) for path, status in log if status >= 400]
    assert failed == []
    assert any(path.endswith("style.css") for path, _ in log)
    print(f"screenshots in {shots}")
