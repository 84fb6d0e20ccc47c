"""Issue 6: what keeps a worker's memory down (its imports, its C heap).

Each check runs in a fresh interpreter, because what matters is what a worker
process loads and how its allocator is set, not this test process's state.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest


def _run(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_a_worker_loads_neither_the_httpx_cli_nor_pydantic_nor_the_renderers() -> None:
    loaded = _run(
        "import json, sys\n"
        "from notion_sync.core import memory\n"
        "memory.skip_httpx_cli()\n"
        "import notion_sync.streams.worker, httpx\n"
        "print(json.dumps({name: name in sys.modules for name in "
        "('rich', 'pygments', 'pydantic', 'notion_sync.sinks', 'faust')}))"
    )
    assert loaded == {
        "rich": False,
        "pygments": False,
        "pydantic": False,
        "notion_sync.sinks": False,
        "faust": True,
    }


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_takes_the_one_arena_limit_and_the_mmap_threshold() -> None:
    assert _run(
        "import json\n"
        "from notion_sync.core import memory\n"
        "print(json.dumps({'arena': memory.configure_malloc(), "
        "'trim': isinstance(memory.release_free_memory(), bool)}))"
    ) == {"arena": True, "trim": True}
