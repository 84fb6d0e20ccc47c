"""One document's chunks on disk while they arrive, one file per ``seq``.

Chunks reach the sink (and replay) one message at a time, possibly twice
(at-least-once delivery) and, after a fetch task ran again, re-sent under the
same ``seq``; each is written atomically to ``<seq>.chunk``, so a repeat simply
replaces it. The part travels inside the file (its first line), so a ``seq``
that a rerun gave to another part still names exactly one file.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from notion_sync.store.atomic import atomic_write

__all__ = ["Spool"]

_SUFFIX = ".chunk"


class Spool:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, seq: int) -> Path:
        return self.folder / f"{seq:06d}{_SUFFIX}"

    def put(self, seq: int, part: str, payload: bytes) -> None:
        atomic_write(self._path(seq), part.encode() + b"\n" + payload)

    def exists(self) -> bool:
        return self.folder.is_dir()

    def missing(self, count: int) -> list[int]:
        """The ``seq`` numbers below ``count`` that have not arrived."""
        try:
            names = {path.name for path in self.folder.iterdir()}
        except FileNotFoundError:
            names = set()
        return [seq for seq in range(count) if self._path(seq).name not in names]

    def chunks(self, count: int) -> Iterator[tuple[str, bytes]]:
        """``(part, payload)`` of chunks ``0 … count-1``, read one at a time."""
        for seq in range(count):
            part, _, payload = self._path(seq).read_bytes().partition(b"\n")
            yield part.decode(), payload

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
