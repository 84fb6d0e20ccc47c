"""Raw HTTP helpers for tests that need to see exact status codes, headers and bodies."""

from __future__ import annotations

from typing import Any

import httpx

from notion_sync.sandbox import Sandbox

VERSION = "2025-09-03"


def headers(sb: Sandbox, token: str | None = None, version: str | None = VERSION) -> dict[str, str]:
    out = {"Authorization": f"Bearer {token or sb.token}"}
    if version:
        out["Notion-Version"] = version
    return out


async def get(http: httpx.AsyncClient, sb: Sandbox, path: str, **params: Any) -> httpx.Response:
    return await http.get(f"{sb.base_url}/v1/{path}", params=params, headers=headers(sb))


async def post(http: httpx.AsyncClient, sb: Sandbox, path: str, body: Any) -> httpx.Response:
    return await http.post(f"{sb.base_url}/v1/{path}", json=body, headers=headers(sb))


def manifest_page(manifest: dict[str, Any], **where: Any) -> dict[str, Any]:
    """The first manifest page whose fields match ``where``."""
    for page in manifest["pages"]:
        if all(page.get(k) == v for k, v in where.items()):
            return page
    raise LookupError(where)
