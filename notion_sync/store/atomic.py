"""Atomic file writes: readers see the old file or the new one, never a mix.

A write goes to a hidden temporary file in the target's folder, is synced, then renamed
over the target; a crash leaves only a temporary file that no scan for data files reads.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write", "atomic_writer", "written"]


@contextmanager
def written(folder: Path, target: Callable[[], Path]) -> Iterator[BinaryIO]:
    """A hidden temporary file in ``folder`` that becomes ``target()`` once the block ends
    without an error and the bytes are on disk; otherwise it is removed.

    A kill -9 mid-write leaves the temporary file behind; it is named so that no
    scan for data files (``*.json``, a spool's ``000001.chunk``) ever reads it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        path = target()
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_writer(path: Path) -> AbstractContextManager[BinaryIO]:
    """A file to write ``path`` through, so readers see the old file or the new one, never
    a mix; it takes the place of ``path`` only when the block ends without an error."""
    return written(path.parent, lambda: path)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path) as fh:
        fh.write(data)
