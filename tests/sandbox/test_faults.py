"""Random faults are deterministic per seed and carry Notion's error bodies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from notion_sync.sandbox import Sandbox, SandboxConfig
from notion_sync.sandbox.faults import FAULT_STATUSES, FaultInjector

from . import shapes
from .helpers import get

Factory = Callable[..., Awaitable[Sandbox]]
CODES = {
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
    529: "service_overload",
}


async def _statuses(sb: Sandbox, n: int) -> list[int]:
    out = []
    async with httpx.AsyncClient(timeout=60) as http:
        for _ in range(n):
            resp = await get(http, sb, "users/me")
            if resp.status_code != 200:
                shapes.error(resp.json(), resp.status_code, CODES[resp.status_code])
            out.append(resp.status_code)
    return out


@pytest.mark.asyncio
async def test_same_seed_same_faults(sandbox_factory: Factory) -> None:
    a = await sandbox_factory(pages=30, seed=11, fault_rate=0.3)
    b = await sandbox_factory(pages=30, seed=11, fault_rate=0.3)
    c = await sandbox_factory(pages=30, seed=12, fault_rate=0.3)
    first, second, other = (await _statuses(a, 60), await _statuses(b, 60), await _statuses(c, 60))
    assert first == second
    assert first != other
    assert 5 <= sum(s != 200 for s in first) <= 35
    assert a.stats()["faults"] == sum(s != 200 for s in first)


def test_fault_mix_and_rate() -> None:
    injector = FaultInjector(seed=3, rate=0.1)
    faults = [injector.random_fault(n) for n in range(20_000)]
    hits = [f for f in faults if f is not None]
    assert 0.08 < len(hits) / len(faults) < 0.12
    assert set(hits) == set(FAULT_STATUSES)
    assert FaultInjector(seed=3, rate=0.0).random_fault(1) is None


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        SandboxConfig(fault_rate=1.5)
    with pytest.raises(ValueError):
        SandboxConfig(pages=0)
    with pytest.raises(ValueError):
        FaultInjector(1, 0).script(status=418)


@pytest.mark.asyncio
async def test_scripted_503_for_a_while(sandbox_factory: Factory) -> None:
    from notion_sync.sandbox import ManualClock

    clock = ManualClock()
    sb = await sandbox_factory(pages=30, clock=clock)
    sb.faults.script(status=503, count=None, seconds=30)
    assert await _statuses(sb, 5) == [503] * 5
    clock.advance(29)
    assert await _statuses(sb, 1) == [503]
    clock.advance(1)
    assert await _statuses(sb, 3) == [200] * 3
    assert sb.faults.pending() == 0


@pytest.mark.asyncio
async def test_latency_is_injected(sandbox_factory: Factory) -> None:
    import time

    sb = await sandbox_factory(pages=30, latency_ms=60)
    started = time.monotonic()
    await _statuses(sb, 5)
    assert time.monotonic() - started >= 5 * 0.040
    a = [sb.state.next_latency() for _ in range(3)]
    other = await sandbox_factory(pages=30, latency_ms=60)
    assert [other.state.next_latency() for _ in range(8)][5:] == a
