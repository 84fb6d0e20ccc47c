"""The :class:`Sandbox`: a local Notion API server usable from async code, threads and CLI."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from aiohttp import web

from .clock import Clock
from .config import PRIMARY_INTEGRATION, SandboxConfig
from .faults import FaultInjector
from .manifest import build_manifest
from .server import build_app
from .state import SandboxState

__all__ = ["Sandbox"]


class Sandbox:
    """A local Notion (API version 2025-09-03) over a generated workspace.

    Usage::

        async with Sandbox(SandboxConfig(pages=200, seed=7)) as sb:
            client = notion_client.AsyncClient(auth=sb.token, base_url=sb.base_url)

    or, from synchronous code, ``with Sandbox(cfg).running_in_thread() as sb: ...``.

    With ``config.integrations`` it serves several integrations at once, each with its
    own token, workspace and rate budget (``tokens``, ``manifest(name)``, and a line each
    in ``stats()["by_integration"]``); faults and the server-wide counters are shared.

    :param config: the configuration (defaults: 200 pages, seed 1, 3 requests/s).
    :param clock: time source for rate limits and file expiry; pass a
        :class:`~.clock.ManualClock` to move time in tests without sleeping.
    """

    def __init__(self, config: SandboxConfig | None = None, clock: Clock | None = None) -> None:
        self.config = config or SandboxConfig()
        configs = self.config.integration_configs()
        self.state = SandboxState(configs.pop(PRIMARY_INTEGRATION), clock)
        self.others = [
            SandboxState(
                each,
                self.state.clock,
                name=name,
                stats=self.state.stats,
                faults=self.state.faults,
            )
            for name, each in configs.items()
        ]
        self._runner: web.AppRunner | None = None

    # -- properties ---------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://host:port`` once started (pass it as notion-client's ``base_url``)."""
        if not self.state.base_url:
            raise RuntimeError("the sandbox is not running")
        return self.state.base_url

    @property
    def token(self) -> str:
        """The integration token the sandbox accepts."""
        return self.config.token

    @property
    def tokens(self) -> dict[str, str]:
        """Every integration's token by name, the first (``token``) under ``"default"``."""
        return {each.name: each.config.token for each in (self.state, *self.others)}

    @property
    def clock(self) -> Clock:
        """The sandbox's clock."""
        return self.state.clock

    @property
    def faults(self) -> FaultInjector:
        """Scripted and random fault injection (``script(status, count)``, ``clear()``)."""
        return self.state.faults

    def stats(self) -> dict[str, Any]:
        """The counters served at ``GET /__sandbox/stats``."""
        return self.state.stats.snapshot()

    def reset_stats(self) -> None:
        """Zero the counters (``POST /__sandbox/stats/reset``)."""
        self.state.stats.reset()

    def manifest(self, integration: str = PRIMARY_INTEGRATION) -> dict[str, Any]:
        """The manifest served at ``GET /__sandbox/manifest[?integration=NAME]``."""
        named = {each.name: each for each in (self.state, *self.others)}
        return build_manifest(named[integration])

    # -- lifecycle ----------------------------------------------------------------------
    async def start(self) -> str:
        """Bind and serve; returns the base URL."""
        if self._runner is not None:
            return self.base_url
        runner = web.AppRunner(
            build_app(self.state, self.others), access_log=None, handle_signals=False
        )
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        shown = f"[{host}]" if ":" in str(host) else host
        for each in (self.state, *self.others):
            each.base_url = f"http://{shown}:{port}"
        return self.state.base_url

    async def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
            for each in (self.state, *self.others):
                each.base_url = ""

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @contextlib.contextmanager
    def running_in_thread(self) -> Iterator[Sandbox]:
        """Serve from a background thread with its own event loop (for sync callers)."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())

        thread = threading.Thread(target=run, name="notion-sandbox", daemon=True)
        thread.start()
        ready.wait()
        if failure:
            thread.join()
            loop.close()
            raise failure[0]
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()
