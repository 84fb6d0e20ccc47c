"""Hand freed heap memory back to the operating system.

CPython passes objects over 512 bytes (response bodies, decoded pages, Kafka
batches) to the C allocator, and glibc keeps what they free in its heap for
reuse instead of returning it. A worker's live heap stays flat while it streams
a workspace, yet without trimming its RSS climbed by ~1 MB per hundred pages
(measured on 2,000 pages: +19 MB with a flat traced heap, +9 MB with trimming).
``malloc_trim(0)`` releases those free pages; it is glibc's, so elsewhere
(musl, macOS) this is a no-op.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable

__all__ = ["TRIM_INTERVAL", "release_free_memory"]

TRIM_INTERVAL = 5.0  # seconds: trimming a ~100 MB heap takes well under a millisecond


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library this process already uses
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Return free heap pages to the OS; True if the C library could release any."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
