"""Keep a worker's C heap small: one malloc arena, large blocks apart, freed memory handed back.

CPython passes objects over 512 bytes (response bodies, decoded pages, Kafka
batches) to the C allocator, and glibc keeps what they free for reuse instead of
returning it, so RSS creeps up while the live heap stays flat: ``malloc_trim(0)``
hands those pages back. glibc gives every thread that finds an arena busy one of
its own; a worker runs on one event-loop thread, so more arenas buy only partly
used heaps. Blocks of 128 kB and more get pages of their own from ``mmap``, freed
straight back to the system, but glibc raises that threshold after each such
free and the large blocks then leave holes in the heap: it is fixed here.

The measurements behind each choice are in docs/architecture.md (Memory). These
calls are glibc's; elsewhere (musl, macOS) they are no-ops.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable

__all__ = [
    "MMAP_THRESHOLD",
    "TRIM_INTERVAL",
    "configure_malloc",
    "release_free_memory",
    "skip_httpx_cli",
]

TRIM_INTERVAL = 5.0  # seconds: trimming a ~100 MB heap takes well under a millisecond
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept from moving
_M_MMAP_THRESHOLD = -3  # mallopt's parameter numbers, from glibc's malloc.h
_M_ARENA_MAX = -8


@functools.cache
def _libc_function(name: str, *argtypes: type) -> Callable[..., int] | None:
    try:
        function = getattr(ctypes.CDLL(None), name)  # the C library this process already uses
    except (OSError, AttributeError):
        return None
    function.argtypes = list(argtypes)
    function.restype = ctypes.c_int
    return function


def release_free_memory() -> bool:
    """Return free heap pages to the OS; True if the C library could release any."""
    trim = _libc_function("malloc_trim", ctypes.c_size_t)
    return bool(trim(0)) if trim is not None else False


def configure_malloc() -> bool:
    """One malloc arena and a fixed mmap threshold; call before any thread starts.

    True if glibc took both.
    """
    mallopt = _libc_function("mallopt", ctypes.c_int, ctypes.c_int)
    if mallopt is None:
        return False
    return bool(mallopt(_M_ARENA_MAX, 1)) and bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def skip_httpx_cli() -> None:
    """Keep ``import httpx`` from loading httpx's command-line client; call before it.

    httpx imports ``httpx._main`` whenever click, rich and pygments are installed
    (they are: the CLI uses the first two), which costs a worker ~3.5 MB and 70
    modules for a command it never runs. A ``None`` entry in ``sys.modules`` makes
    that import fail, and httpx falls back to the stub it has for when they are
    missing.
    """
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None blocks an import
