"""One ``users/me`` request before anything is published: a wrong token or an unreachable
Notion is known in a second, not after the worker has started and listed nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from notion_sync.core.config import Settings, resolve_token
from notion_sync.notion.client import NotionGateway

__all__ = ["integration_name", "who_am_i"]

#: The pre-flight request waits at most this long: it is a check, not an export.
PREFLIGHT_TIMEOUT = 10.0


def who_am_i(settings: Settings, token_ref: str) -> dict[str, Any]:
    """The integration's bot user; raises ConfigError, Unauthorized or NotionError."""
    token = resolve_token(settings.notion, token_ref)
    quick = msgspec.structs.replace(
        settings.notion, max_retries=0, timeout=min(settings.notion.timeout, PREFLIGHT_TIMEOUT)
    )

    async def ask() -> dict[str, Any]:
        gateway = NotionGateway(quick, token, token_ref)
        try:
            return await gateway.me()
        finally:
            await gateway.aclose()

    return asyncio.run(ask())


def integration_name(me: dict[str, Any]) -> str:
    """``'Name' in workspace 'Workspace'``, as far as Notion says."""
    bot = me.get("bot")
    workspace = bot.get("workspace_name") if isinstance(bot, dict) else None
    return f"{me.get('name')!r}" + (f" in workspace {workspace!r}" if workspace else "")
