"""A circuit breaker per integration, so a failing Notion is not hammered.

After ``threshold`` consecutive failures it opens: requests wait instead of being
sent. After ``cooldown`` one probe goes through (half-open); success closes it, a
failure opens it again with the cooldown doubled (up to ``max_cooldown``).

An outage is not waited out for ever: once Notion has failed every request for
``give_up_after`` seconds, every waiting request raises :class:`NotionUnreachable` with the
last failure as its cause, so the export fails and says why, instead of hanging.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Awaitable, Callable

from notion_sync.core.errors import NotionUnreachable

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(enum.IntEnum):
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitBreaker:
    def __init__(
        self,
        threshold: int,
        cooldown: float,
        *,
        max_cooldown: float = 120.0,
        give_up_after: float = float("inf"),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_change: Callable[[BreakerState], None] | None = None,
    ) -> None:
        self.threshold = threshold
        self.base_cooldown = cooldown
        self.cooldown = cooldown
        self.max_cooldown = max_cooldown
        self.give_up_after = give_up_after
        self.state = BreakerState.CLOSED
        self.failures = 0
        #: When the current run of failures began (None while requests succeed).
        self._failing_since: float | None = None
        self.last_failure = ""
        self._opened_at = 0.0
        self._probing = False
        self._clock = clock
        self._sleep = sleep
        self._on_change = on_change

    def _set(self, state: BreakerState) -> None:
        if state is not self.state:
            self.state = state
            if self._on_change is not None:
                self._on_change(state)

    async def admit(self) -> None:
        """Wait until a request may be sent; raise once the outage has lasted too long."""
        while True:
            if self.state is BreakerState.CLOSED:
                return
            self._check_give_up()
            remaining = self._opened_at + self.cooldown - self._clock()
            if self.state is BreakerState.OPEN and remaining <= 0:
                self._set(BreakerState.HALF_OPEN)
            if self.state is BreakerState.HALF_OPEN and not self._probing:
                self._probing = True
                return
            await self._sleep(max(remaining, 0.05))

    def _check_give_up(self) -> None:
        if self._failing_since is None:
            return
        failing_for = self._clock() - self._failing_since
        if failing_for < self.give_up_after:
            return
        cause = self.last_failure
        # Start afresh: the next request (another export, later) probes Notion again.
        self.failures, self._failing_since, self._probing = 0, None, False
        self.cooldown = self.base_cooldown
        self._set(BreakerState.CLOSED)
        raise NotionUnreachable(
            f"Notion failed every request for {failing_for:.0f} s; gave up "
            f"(notion.give_up_after). Last error: {cause}",
            code="notion_unreachable",
        )

    def record_success(self) -> None:
        self.failures = 0
        self._failing_since = None
        self._probing = False
        self.cooldown = self.base_cooldown
        self._set(BreakerState.CLOSED)

    def record_failure(self, error: str = "") -> None:
        self.failures += 1
        self.last_failure = error or self.last_failure
        if self._failing_since is None:
            self._failing_since = self._clock()
        if self.state is BreakerState.HALF_OPEN:
            self._probing = False
            self.cooldown = min(self.max_cooldown, self.cooldown * 2)
            self._opened_at = self._clock()
            self._set(BreakerState.OPEN)
        elif self.failures >= self.threshold and self.state is BreakerState.CLOSED:
            self._opened_at = self._clock()
            self._set(BreakerState.OPEN)

    def release_probe(self) -> None:
        """A probe ended without a verdict (e.g. 404): let the next request probe."""
        self._probing = False
