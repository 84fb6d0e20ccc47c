"""Talking to a worker's health server from a test: a free port, and polling with a deadline."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import TypeVar

import httpx

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str) -> httpx.Response | None:
    """One GET, or None while nothing listens yet."""
    try:
        return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5.0)
    except httpx.TransportError:
        return None


def poll(
    probe: Callable[[], T | None],
    what: str,
    timeout: float = 90.0,
    alive: Callable[[], bool] = lambda: True,
) -> T:
    """Call ``probe`` until it returns something, the deadline passes, or ``alive`` is false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        result = probe()
        if result is not None:
            return result
        time.sleep(0.2)  # pacing between probes, not synchronisation: the probe decides
    raise AssertionError(f"timed out waiting for {what}")
