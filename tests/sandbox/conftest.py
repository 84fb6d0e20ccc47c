"""Sandbox fixtures, imported from the reusable plugin module."""

from notion_sync.sandbox.testing import (  # noqa: F401  (fixtures are used by name)
    manual_clock,
    notion_async_client,
    sandbox,
    sandbox_factory,
    sandbox_thread,
)
