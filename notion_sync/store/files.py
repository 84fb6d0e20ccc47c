"""The content-addressed file store: each downloaded file once, named by its sha256.

The same image used by many pages is stored once, and a re-download of an unchanged file
is a no-op.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

from notion_sync.store.atomic import atomic_write, written_off_loop

__all__ = ["FileStore"]


class FileStore:
    """Content-addressed blobs: ``<root>/files/<sha[:2]>/<sha>``."""

    def __init__(self, root: Path) -> None:
        self.root = root / "files"

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its sha256 (hex)."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path_for(digest)
        if not path.exists():
            atomic_write(path, data)
        return digest

    async def put_stream(self, chunks: AsyncIterator[bytes]) -> tuple[str, int]:
        """Store a blob as it arrives, one chunk in memory at a time; its sha256 and size.

        The digest names the blob only once it is all read, so it is written under a
        temporary name and moved into place at the end (replacing the same bytes, if
        the store had them). It arrives on the event loop and is written, synced and
        moved on the disk's threads (a chunk at a time, each awaited before the next
        is read).
        """
        digest = hashlib.sha256()
        size = 0
        async with written_off_loop(self.root, lambda: self.path_for(digest.hexdigest())) as fh:
            async for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                await fh.write(chunk)
        return digest.hexdigest(), size

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()
