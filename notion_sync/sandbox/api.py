"""Handlers of the ``/v1`` Notion endpoints.

Each handler returns a JSON-ready body; the middleware in :mod:`.server` adds
``request_id``, serialises it (signing file URLs) and does the accounting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from .blocks import Block
from .errors import NotionAPIError, not_found, validation_error
from .generator import PageNode
from .ids import Kind
from .objects import (
    block_object,
    child_database_block,
    child_page_block,
    comment_objects,
    data_source_object,
    database_object,
    page_comment_count,
    page_object,
    page_properties,
)
from .pagination import paginate, parse_page_size
from .properties import PAGINATED_TYPES, row_values, user_object
from .queries import compile_filter, sort_rows
from .state import SandboxState

__all__ = ["NotionAPI"]

JSON = dict[str, Any]
JSONHandler = Callable[[web.Request], Awaitable[JSON]]


def list_body(results: list[Any], cursor: str | None, has_more: bool, type_: str) -> JSON:
    """A Notion list response."""
    return {
        "object": "list",
        "results": results,
        "next_cursor": cursor,
        "has_more": has_more,
        "type": type_,
        type_: {},
    }


async def json_body(request: web.Request) -> JSON:
    """The request's JSON object body ({} when empty)."""
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise NotionAPIError(400, "invalid_json", "Error parsing JSON body.") from None
    if not isinstance(body, dict):
        raise validation_error("body failed validation: body should be an object.")
    return body


class NotionAPI:
    """The ``/v1`` routes over one :class:`SandboxState`."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.ws = state.ws
        self.seed = state.config.seed

    def routes(self) -> list[tuple[str, str, JSONHandler]]:
        """The route table; path parameters are named ``{id}`` for stats templating."""
        return [
            ("POST", "/v1/search", self.search),
            ("GET", "/v1/users", self.list_users),
            ("GET", "/v1/users/me", self.me),
            ("GET", "/v1/users/{id}", self.get_user),
            ("GET", "/v1/pages/{id}", self.get_page),
            # Property ids are percent-encoded and may hold any character once decoded,
            # braces too, which aiohttp's default segment pattern refuses.
            ("GET", "/v1/pages/{id}/properties/{property_id:[^/]+}", self.get_property),
            ("GET", "/v1/blocks/{id}", self.get_block),
            ("GET", "/v1/blocks/{id}/children", self.list_children),
            ("GET", "/v1/databases/{id}", self.get_database),
            ("GET", "/v1/data_sources/{id}", self.get_data_source),
            ("POST", "/v1/data_sources/{id}/query", self.query_data_source),
            ("GET", "/v1/comments", self.list_comments),
        ]

    # -- helpers ------------------------------------------------------------------------
    def _query_paging(self, request: web.Request) -> tuple[Any, int]:
        return (
            request.query.get("start_cursor"),
            parse_page_size(request.query.get("page_size"), "query"),
        )

    # -- search and users -----------------------------------------------------------------
    async def search(self, request: web.Request) -> JSON:
        body = await json_body(request)
        query = body.get("query", "") or ""
        if not isinstance(query, str):
            raise validation_error("body failed validation: body.query should be a string.")
        kind: Kind | None = None
        filt = body.get("filter")
        if filt is not None:
            value = filt.get("value") if isinstance(filt, dict) else None
            if (
                not isinstance(filt, dict)
                or filt.get("property") != "object"
                or value not in ("page", "data_source")
            ):
                raise validation_error(
                    'body failed validation: body.filter.value should be `"page"` or '
                    f'`"data_source"`, instead was `{value!r}`.'
                )
            kind = Kind.PAGE if value == "page" else Kind.DATA_SOURCE
        ascending = False
        sort = body.get("sort")
        if sort is not None:
            if (
                not isinstance(sort, dict)
                or sort.get("timestamp") != "last_edited_time"
                or sort.get("direction") not in ("ascending", "descending")
            ):
                raise validation_error(
                    "body failed validation: body.sort should be "
                    '`{"timestamp": "last_edited_time", "direction": '
                    '"ascending" | "descending"}`.'
                )
            ascending = sort["direction"] == "ascending"
        page_size = parse_page_size(body.get("page_size"), "body")
        entries = self.state.search_entries(query, kind, ascending)
        chunk, cursor, more = paginate(
            self.seed,
            f"search:{query}:{kind}:{ascending}",
            entries,
            body.get("start_cursor"),
            page_size,
            "body",
        )
        results = [
            page_object(self.ws, self.ws.pages[i])
            if k == Kind.PAGE
            else data_source_object(self.ws, self.ws.data_sources[i])
            for _, k, i in chunk
        ]
        return list_body(results, cursor, more, "page_or_data_source")

    async def list_users(self, request: web.Request) -> JSON:
        start, size = self._query_paging(request)
        chunk, cursor, more = paginate(self.seed, "users", self.ws.users, start, size, "query")
        return list_body([user_object(u, self.ws) for u in chunk], cursor, more, "user")

    async def me(self, request: web.Request) -> JSON:
        return user_object(self.ws.users[self.ws.bot_idx], self.ws)

    async def get_user(self, request: web.Request) -> JSON:
        object_id, decoded = self.state.parse_id(request.match_info["id"], "user_id")
        if decoded and decoded[0] == Kind.USER and decoded[1] < len(self.ws.users):
            return user_object(self.ws.users[decoded[1]], self.ws)
        raise not_found("user", object_id)

    # -- pages ----------------------------------------------------------------------------
    async def get_page(self, request: web.Request) -> JSON:
        page = self.state.shared_page(request.match_info["id"])
        body = page_object(self.ws, page)
        wanted = request.query.getall("filter_properties", [])
        if wanted:
            body["properties"] = {
                k: v for k, v in body["properties"].items() if v["id"] in wanted or k in wanted
            }
        return body

    async def get_property(self, request: web.Request) -> JSON:
        from urllib.parse import unquote

        page = self.state.shared_page(request.match_info["id"])
        wanted = unquote(request.match_info["property_id"])
        values = (
            row_values(self.ws, page)
            if page.parent_kind == "data_source"
            else page_properties(self.ws, page)[0]
        )
        prop = next((p for p in values.values() if unquote(p["id"]) == wanted), None)
        if prop is None:
            raise not_found("property", wanted)
        type_ = prop["type"]
        if type_ not in PAGINATED_TYPES:
            return {"object": "property_item", "id": prop["id"], "type": type_, type_: prop[type_]}
        if type_ == "rollup":
            items: list[Any] = []
        elif type_ == "relation":
            items = [{"id": r["id"]} for r in prop["relation"]]
        else:
            items = list(prop[type_])
        start, size = self._query_paging(request)
        chunk, cursor, more = paginate(
            self.seed, f"prop:{page.id}:{prop['id']}", items, start, size, "query"
        )
        results = [
            {"object": "property_item", "id": prop["id"], "type": type_, type_: item}
            for item in chunk
        ]
        body = list_body(results, cursor, more, "property_item")
        next_url = None
        if cursor:
            next_url = (
                f"{self.state.base_url}/v1/pages/{page.id}/properties/{prop['id']}"
                f"?start_cursor={cursor}"
            )
        body["property_item"] = {
            "id": prop["id"],
            "next_url": next_url,
            "type": type_,
            type_: prop["rollup"] if type_ == "rollup" else {},
        }
        return body

    # -- blocks ---------------------------------------------------------------------------
    def _locate(self, raw: str) -> tuple[str, PageNode | None, Block | None, int]:
        """Resolve a block id: (kind, page, block, database index)."""
        object_id, decoded = self.state.parse_id(raw, "block_id")
        if decoded:
            kind, idx, _ = decoded
            if kind == Kind.PAGE and idx < len(self.ws.pages) and self.ws.pages[idx].shared:
                return "page", self.ws.pages[idx], None, -1
            if kind == Kind.DATABASE and idx < len(self.ws.databases):
                return "database", None, None, idx
            if kind == Kind.BLOCK and idx < len(self.ws.pages) and self.ws.pages[idx].shared:
                block = self.state.find_block(idx, object_id)
                if block is not None:
                    return "block", self.ws.pages[idx], block, -1
        raise not_found("block", object_id)

    async def get_block(self, request: web.Request) -> JSON:
        kind, page, block, db_idx = self._locate(request.match_info["id"])
        if kind == "database":
            return child_database_block(self.ws, self.ws.databases[db_idx])
        assert page is not None
        if block is None:
            return child_page_block(self.ws, page)
        return block_object(self.ws, page, block)

    async def list_children(self, request: web.Request) -> JSON:
        _, page, block, _ = self._locate(request.match_info["id"])
        start, size = self._query_paging(request)
        children: list[Block] = []
        if page is not None:
            children = (
                self.state.tree(page.idx).top if block is None else self.state.children_of(block)
            )
        scope = f"children:{request.match_info['id'].replace('-', '').lower()}"
        chunk, cursor, more = paginate(self.seed, scope, children, start, size, "query")
        owner = page if page is not None else self.ws.pages[0]
        results = [block_object(self.ws, self._owner(child, owner), child) for child in chunk]
        return list_body(results, cursor, more, "block")

    def _owner(self, block: Block, default: PageNode) -> PageNode:
        """The page a block belongs to (synced originals live in another page)."""
        if block.seq < 0:
            return default
        from .ids import decode_id

        decoded = decode_id(self.seed, block.id)
        return self.ws.pages[decoded[1]] if decoded else default

    # -- databases and data sources ---------------------------------------------------------
    async def get_database(self, request: web.Request) -> JSON:
        return database_object(self.ws, self.state.database(request.match_info["id"]))

    async def get_data_source(self, request: web.Request) -> JSON:
        return data_source_object(self.ws, self.state.data_source(request.match_info["id"]))

    async def query_data_source(self, request: web.Request) -> JSON:
        ds = self.state.data_source(request.match_info["id"])
        body = await json_body(request)
        page_size = parse_page_size(body.get("page_size"), "body")
        rows = list(ds.rows)
        filt, sorts = body.get("filter"), body.get("sorts")
        if filt is not None or sorts:
            cache: dict[int, Any] = {}

            def row_of(idx: int) -> Any:
                if idx not in cache:
                    page = self.ws.pages[idx]
                    times = {
                        "created_time": page_object(self.ws, page)["created_time"],
                        "last_edited_time": page_object(self.ws, page)["last_edited_time"],
                    }
                    cache[idx] = (row_values(self.ws, page), times)
                return cache[idx]

            if filt is not None:
                predicate = compile_filter(filt)
                rows = [r for r in rows if predicate(row_of(r))]
            if sorts:
                rows = sort_rows(rows, sorts, row_of)
        scope = f"query:{ds.id}:{orjson.dumps(filt).decode()}:{orjson.dumps(sorts).decode()}"
        chunk, cursor, more = paginate(
            self.seed, scope, rows, body.get("start_cursor"), page_size, "body"
        )
        results = [page_object(self.ws, self.ws.pages[r]) for r in chunk]
        wanted = request.query.getall("filter_properties", [])
        if wanted:
            for result in results:
                result["properties"] = {
                    k: v
                    for k, v in result["properties"].items()
                    if v["id"] in wanted or k in wanted
                }
        return list_body(results, cursor, more, "page_or_data_source")

    # -- comments ---------------------------------------------------------------------------
    async def list_comments(self, request: web.Request) -> JSON:
        raw = request.query.get("block_id")
        if not raw:
            raise validation_error(
                "query failed validation: query.block_id should be defined, "
                "instead was `undefined`."
            )
        _, page, block, _ = self._locate(raw)
        start, size = self._query_paging(request)
        comments: list[JSON] = []
        if page is not None and block is None:
            comments = comment_objects(
                self.ws,
                page,
                {"type": "page_id", "page_id": page.id},
                page_comment_count(self.ws, page),
                0,
            )
        elif page is not None and block is not None:
            comments = comment_objects(
                self.ws,
                page,
                {"type": "block_id", "block_id": block.id},
                block.comment_count,
                block.seq << 12,
            )
        scope = f"comments:{raw.replace('-', '').lower()}"
        chunk, cursor, more = paginate(self.seed, scope, comments, start, size, "query")
        return list_body(chunk, cursor, more, "comment")
