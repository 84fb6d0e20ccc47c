"""The worker's warm-up loads, before its event loop runs, every module a first request
would otherwise import inside a fetch task (imports are CPU-bound and hold the loop)."""

from __future__ import annotations

import subprocess
import sys

FIRST_REQUEST = """
import asyncio, socket, sys
import httpx
from notion_sync.notion.client import warm_up

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]
{warm}
before = set(sys.modules)

async def first_request():
    async with httpx.AsyncClient() as client:
        try:
            await client.get(f"http://127.0.0.1:{{port}}/", timeout=0.5)
        except httpx.HTTPError:
            pass  # nobody answers: the connection is what loads the modules

asyncio.new_event_loop().run_until_complete(first_request())
print(sorted(m for m in set(sys.modules) - before if m.split(".")[0] in ("anyio", "httpcore")))
"""


def _loaded_by_first_request(warm: bool) -> str:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_REQUEST.format(warm="warm_up()" if warm else "")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_a_first_request_after_the_warm_up_imports_nothing_more() -> None:
    assert _loaded_by_first_request(warm=False) != "[]"  # the test can tell
    assert _loaded_by_first_request(warm=True) == "[]"
