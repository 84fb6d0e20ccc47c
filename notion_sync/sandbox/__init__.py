"""A local Notion API sandbox: a faithful server over a generated workspace.

Reading order: ``config`` (the knobs) -> ``generator`` (the workspace skeleton) ->
``blocks`` / ``properties`` / ``objects`` (lazy content and Notion object shapes) ->
``api`` (the /v1 handlers) -> ``server`` (middleware: auth, version, rate limits, faults)
-> ``sandbox`` (the :class:`Sandbox` you start) -> ``manifest`` (ground truth for tests).
"""

from .clock import Clock, ManualClock, SystemClock
from .config import DEFAULT_BURST, DEFAULT_RATE, PRIMARY_INTEGRATION, Integration, SandboxConfig
from .faults import FaultInjector
from .manifest import build_manifest, minimum_requests
from .sandbox import Sandbox

__all__ = [
    "DEFAULT_BURST",
    "DEFAULT_RATE",
    "PRIMARY_INTEGRATION",
    "Clock",
    "FaultInjector",
    "Integration",
    "ManualClock",
    "Sandbox",
    "SandboxConfig",
    "SystemClock",
    "build_manifest",
    "minimum_requests",
]
