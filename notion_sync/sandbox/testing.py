"""Pytest fixtures for tests that need a Notion: register with
``pytest_plugins = ["notion_sync.sandbox.testing"]``.

Fixtures:

- ``sandbox_factory``: an async factory ``await sandbox_factory(pages=..., **config)`` that
  starts sandboxes (rate limiting off unless ``rate`` is given) and stops them after the
  test.
- ``sandbox``: one started 200-page sandbox, seed 7, no rate limit.
- ``manual_clock``: a :class:`ManualClock` to pass as ``clock=`` to the factory.
- ``sandbox_thread``: a sandbox served from a background thread, for synchronous code and
  subprocesses (``sandbox_thread.base_url``).
- ``notion_async_client``: a ``notion_client.AsyncClient`` on ``sandbox`` with retries off.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx
import notion_client
import pytest
import pytest_asyncio

from .clock import Clock, ManualClock
from .config import SandboxConfig
from .sandbox import Sandbox

__all__ = ["manual_clock", "notion_async_client", "sandbox", "sandbox_factory", "sandbox_thread"]

SandboxFactory = Callable[..., Awaitable[Sandbox]]


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock that moves only when the test advances it."""
    return ManualClock()


@pytest_asyncio.fixture
async def sandbox_factory() -> AsyncIterator[SandboxFactory]:
    """Start sandboxes with any config; all are stopped at teardown."""
    started: list[Sandbox] = []

    async def make(clock: Clock | None = None, **overrides: Any) -> Sandbox:
        overrides.setdefault("rate", math.inf)
        overrides.setdefault("seed", 7)
        sb = Sandbox(SandboxConfig(**overrides), clock=clock)
        await sb.start()
        started.append(sb)
        return sb

    yield make
    for sb in started:
        await sb.stop()


@pytest_asyncio.fixture
async def sandbox(sandbox_factory: SandboxFactory) -> Sandbox:
    """A running 200-page sandbox (seed 7, no rate limit)."""
    return await sandbox_factory(pages=200)


@pytest.fixture
def sandbox_thread() -> Iterator[Sandbox]:
    """A 200-page sandbox (seed 7, no rate limit) served from a background thread."""
    with Sandbox(SandboxConfig(pages=200, seed=7, rate=math.inf)).running_in_thread() as sb:
        yield sb


@pytest_asyncio.fixture
async def notion_async_client(sandbox: Sandbox) -> AsyncIterator[notion_client.AsyncClient]:
    """An official AsyncClient on ``sandbox`` (retries off, injected httpx client)."""
    http = httpx.AsyncClient(timeout=30)
    client = notion_client.AsyncClient(
        auth=sandbox.token, base_url=sandbox.base_url, client=http, retry=False
    )
    yield client
    await http.aclose()
