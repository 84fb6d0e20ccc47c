"""Text made a piece at a time, handed to the writer in UTF-8 batches (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["BATCH_CHARS", "utf8_batches"]

#: Characters gathered before encoding: a write per row of a big table would be
#: thousands of tiny writes, a batch of this size is one.
BATCH_CHARS = 64 * 1024


def utf8_batches(pieces: Iterable[str], size: int = BATCH_CHARS) -> Iterator[bytes]:
    """``pieces`` joined and encoded, a batch of at least ``size`` characters at a time."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch).encode("utf-8")
            batch, length = [], 0
    if batch:
        yield "".join(batch).encode("utf-8")
