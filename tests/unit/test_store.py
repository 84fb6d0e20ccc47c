"""Issue 6: a kill -9 in the middle of a write never puts a broken document in the store; writes
run off the event loop, and a cancelled one leaves nothing half-written."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from notion_sync.core.loop_monitor import LoopMonitor
from notion_sync.store.disk import off_loop
from notion_sync.store.documents import DocumentStore
from notion_sync.store.files import FileStore

SLOW_FSYNC = 0.3  # seconds a simulated busy disk takes to sync a file

_KILLED_MID_WRITE = """
import os, sys
from pathlib import Path
from notion_sync.store.documents import DocumentStore
writes = []
def fsync(fd):  # die as kill -9 would, in the index write: after the open, before the rename
    writes.append(fd)
    if len(writes) == 2:
        os._exit(9)
os.fsync = fsync
DocumentStore(Path(sys.argv[1])).put({"kind": "page", "id": "bb" + "0" * 30, "page": {}})
"""


def test_a_write_killed_half_way_leaves_nothing_a_scan_reads(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    kept = {"kind": "page", "id": "aa" + "0" * 30, "page": {}}
    store.put(kept)  # type: ignore[arg-type]
    done = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, str(tmp_path)], check=False)
    assert done.returncode == 9
    assert [p.name[:5] for p in (tmp_path / "index" / "bb").iterdir()] == [".tmp-"]
    assert [entry["id"] for entry in store.entries()] == [kept["id"]]


async def _blob(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def test_a_download_is_synced_and_moved_into_place_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync = os.fsync

    def slow_fsync(fd: int) -> None:
        sync(fd)
        time.sleep(SLOW_FSYNC)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    store = FileStore(tmp_path)
    monitor = LoopMonitor(interval=0.01, threshold=SLOW_FSYNC)
    watching = asyncio.create_task(monitor.run())
    await asyncio.sleep(0)  # the monitor is asleep now
    digest, size = await store.put_stream(_blob(b"a" * 70_000, b"b" * 30_000))
    seen = monitor.samples
    while monitor.samples == seen:  # its next wake-up, however late
        await asyncio.sleep(0)
    watching.cancel()
    assert monitor.longest < SLOW_FSYNC - 0.1
    assert (digest, size) == (hashlib.sha256(b"a" * 70_000 + b"b" * 30_000).hexdigest(), 100_000)
    assert store.path_for(digest).read_bytes() == b"a" * 70_000 + b"b" * 30_000
    assert [p.name for p in (tmp_path / "files").iterdir()] == [digest[:2]]


async def test_a_download_cancelled_half_way_leaves_nothing_behind(tmp_path: Path) -> None:
    asked_for_more = asyncio.Event()

    async def first_chunk_only() -> AsyncIterator[bytes]:
        yield b"x" * 100_000
        asked_for_more.set()  # the first chunk is written: it is awaited before this
        await asyncio.Event().wait()  # the rest never comes
        yield b"unreachable"

    download = asyncio.create_task(FileStore(tmp_path).put_stream(first_chunk_only()))
    await asked_for_more.wait()
    [partial] = (tmp_path / "files").iterdir()
    assert partial.name.startswith(".tmp-") and partial.stat().st_size == 100_000
    download.cancel()
    with pytest.raises(asyncio.CancelledError):
        await download
    assert list((tmp_path / "files").iterdir()) == []


async def test_a_cancelled_caller_ends_only_once_its_disk_step_has(tmp_path: Path) -> None:
    started, release = threading.Event(), threading.Event()

    def step() -> None:
        started.set()
        release.wait()
        (tmp_path / "done").touch()

    waiting = asyncio.create_task(off_loop(step))
    await asyncio.to_thread(started.wait)
    waiting.cancel()
    for _ in range(5):  # the loop goes round; the cancelled caller still waits
        await asyncio.sleep(0)
    assert not waiting.done()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert (tmp_path / "done").exists()
