"""The disk's own threads: writes, fsyncs, renames and removals stay off the event loop.

A worker's event loop also heartbeats to Kafka, polls and keeps Notion requests moving;
an fsync can take tens of milliseconds on a busy disk and a large document's file
longer, and each of them used to hold the whole loop. Blocking store calls run here.

A pool of its own, of ``DISK_THREADS``, rather than asyncio's default executor, which
grows with the machine (``min(32, cores + 4)`` threads) and also runs ``getaddrinfo``:
the worker keeps glibc to one malloc arena (``core/memory.py``), so threads add no
heaps, yet every thread is one more contender for that arena and for the GIL. Four let
the sink's fsync overlap a few file downloads' (the filesystem commits concurrent
fsyncs together) and bound what runs beside the loop. Each caller awaits one step
before it starts the next, so a document's chunks and its file are written in the order
the caller gives them, with no queue per document.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["DISK_THREADS", "off_loop", "submit"]

DISK_THREADS = 4

P = ParamSpec("P")
T = TypeVar("T")

# Threads start on first use, after the worker has configured malloc.
_POOL = ThreadPoolExecutor(max_workers=DISK_THREADS, thread_name_prefix="notion-sync-disk")


def submit(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """Start ``fn`` on a disk thread, with the caller's context (the export a log line names)."""
    context = contextvars.copy_context()
    return _POOL.submit(context.run, functools.partial(fn, *args, **kwargs))


async def off_loop(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``fn`` on a disk thread and wait for it without holding the event loop.

    A thread cannot be interrupted, so a cancelled caller drops ``fn`` only if it has not
    started; otherwise the caller ends once ``fn`` has, so no write of a cancelled task
    (a stopping worker's sink) is still under way when a restarted one begins.
    """
    # Imported here: the render child uses the store but never awaits, and asyncio (with
    # the ssl it imports) would be a quarter of that child's memory.
    import asyncio

    future = submit(fn, *args, **kwargs)
    waiter = asyncio.wrap_future(future)
    try:
        return await asyncio.shield(waiter)
    except asyncio.CancelledError:
        future.cancel()
        with contextlib.suppress(Exception):  # the caller is cancelled, whatever ``fn`` did
            await waiter
        raise
