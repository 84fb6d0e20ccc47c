"""Atomic file writes: readers see the old file or the new one, never a mix.

A write goes to a hidden temporary file in the target's folder, is synced, then renamed
over the target; a crash leaves only a temporary file that no scan for data files reads.
The temporary file is given the mode ``open()`` would give a new file (:data:`FILE_MODE`),
not ``mkstemp``'s 0600, which the rename would keep: a web server serving the export as
another user must be able to read it.
:func:`written_off_loop` takes the same steps on the disk's threads, for a file written
as it arrives on the event loop (a download).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import BinaryIO

from notion_sync.store import disk

__all__ = [
    "FILE_MODE",
    "AtomicFile",
    "OffLoopFile",
    "atomic_write",
    "atomic_writer",
    "written",
    "written_off_loop",
]


def _umask() -> int:
    # Python reads the umask only by setting it: done once, at import, before our threads run.
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The mode of a file we create: what ``open()`` gives a new file under the process's umask.
FILE_MODE = 0o666 & ~_umask()


class AtomicFile:
    """One atomic write as steps: open, write, then commit or discard.

    The temporary file is named so that no scan for data files (``*.json``, a spool's
    ``000001.chunk``) ever reads it, should a kill -9 leave it behind. Steps may run on
    different threads; they take turns, and once the file is committed or discarded a
    later step changes nothing, so a cancelled download's discard cannot race its last
    write.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._fh: BinaryIO | None = None
        self._tmp: Path | None = None
        self._ended = False

    def open(self) -> BinaryIO:
        with self._lock:
            if self._ended:
                raise ValueError("the atomic file was discarded")
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".partial")
            self._tmp = Path(tmp)
            os.fchmod(fd, FILE_MODE)
            self._fh = os.fdopen(fd, "wb")
            return self._fh

    def write(self, data: bytes) -> None:
        with self._lock:
            self._opened()[0].write(data)

    def commit(self, path: Path) -> None:
        """Sync the bytes to disk and move them to ``path``; discarded if that fails."""
        with self._lock:
            fh, tmp = self._opened()
            try:
                fh.flush()
                os.fsync(fh.fileno())
                fh.close()
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, path)
            except BaseException:
                self._end()
                raise
            self._tmp = None  # it is ``path`` now: nothing to remove
            self._ended = True

    def discard(self) -> None:
        """Close and remove the temporary file, if any (nothing, after a commit)."""
        with self._lock:
            self._end()

    def _opened(self) -> tuple[BinaryIO, Path]:
        if self._ended or self._fh is None or self._tmp is None:
            raise ValueError("the atomic file is not open")
        return self._fh, self._tmp

    def _end(self) -> None:
        self._ended = True
        tmp, self._tmp = self._tmp, None
        try:
            if self._fh is not None:
                self._fh.close()
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)


@contextmanager
def written(folder: Path, target: Callable[[], Path]) -> Iterator[BinaryIO]:
    """A hidden temporary file in ``folder`` that becomes ``target()`` once the block ends
    without an error and the bytes are on disk; otherwise it is removed."""
    file = AtomicFile(folder)
    fh = file.open()
    try:
        yield fh
        path = target()
    except BaseException:
        file.discard()
        raise
    file.commit(path)


def atomic_writer(path: Path) -> AbstractContextManager[BinaryIO]:
    """A file to write ``path`` through, so readers see the old file or the new one, never
    a mix; it takes the place of ``path`` only when the block ends without an error."""
    return written(path.parent, lambda: path)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path) as fh:
        fh.write(data)


class OffLoopFile:
    """An :class:`AtomicFile` whose steps run on the disk's threads, each awaited."""

    def __init__(self, folder: Path) -> None:
        self._file = AtomicFile(folder)

    async def open(self) -> None:
        await disk.off_loop(self._file.open)

    async def write(self, data: bytes) -> None:
        await disk.off_loop(self._file.write, data)

    async def commit(self, path: Path) -> None:
        await disk.off_loop(self._file.commit, path)

    async def discard(self) -> None:
        await disk.off_loop(self._file.discard)


@asynccontextmanager
async def written_off_loop(folder: Path, target: Callable[[], Path]) -> AsyncIterator[OffLoopFile]:
    """:func:`written` with every open, write, fsync and rename on the disk's threads.

    Cancelled, it still removes the temporary file before it lets the cancellation through.
    """
    file = OffLoopFile(folder)
    try:
        await file.open()
        yield file
        await file.commit(target())
    except BaseException:
        await file.discard()
        raise
