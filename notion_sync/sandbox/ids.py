"""Deterministic, self-describing object ids.

Every id the sandbox hands out is a UUID whose bits encode what the object is (``kind``),
which generated object it belongs to (``idx``) and a sub-index (``sub``, e.g. a block's
sequence number inside its page), masked so that ids look random and guarded by a keyed
hash so that made-up ids are rejected. That lets the server answer
``GET /v1/blocks/{id}`` for any of millions of lazily generated blocks without an index.
"""

from __future__ import annotations

import hashlib
import re
from enum import IntEnum

__all__ = ["Kind", "dashed", "decode_id", "digest", "encode_id", "normalize_id"]


class Kind(IntEnum):
    """What an id names."""

    PAGE = 1
    BLOCK = 2
    DATABASE = 3
    DATA_SOURCE = 4
    USER = 5
    COMMENT = 6
    DISCUSSION = 7
    FILE = 8
    OPTION = 9
    REQUEST = 10
    CURSOR = 15


_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_MID_BITS = (1 << 64) - 1


def digest(*parts: object) -> int:
    """A 64-bit keyed hash of ``parts``, stable across processes and Python versions."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def dashed(hex32: str) -> str:
    """Format 32 hex digits as a dashed UUID."""
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


def normalize_id(raw: str) -> str | None:
    """Return the 32 lower-case hex digits of an id given with or without dashes, or None."""
    cleaned = raw.strip().lower().replace("-", "")
    return cleaned if _HEX32.match(cleaned) else None


def encode_id(seed: int, kind: Kind, idx: int, sub: int = 0) -> str:
    """Return the dashed UUID naming object (kind, idx, sub) in workspace ``seed``."""
    if not 0 <= idx < (1 << 28) or not 0 <= sub < (1 << 32):
        raise ValueError("id component out of range")
    check = digest(seed, "id", int(kind), idx, sub)
    head = check >> 32
    tail = check & 0xFFFFFFFF
    mask = digest(seed, "mask", head)
    mid = ((int(kind) << 60) | (idx << 32) | sub) ^ mask
    return dashed(f"{head:08x}{mid:016x}{tail:08x}")


def decode_id(seed: int, raw: str) -> tuple[Kind, int, int] | None:
    """Invert :func:`encode_id`; None for ids this workspace never issued."""
    hex32 = normalize_id(raw)
    if hex32 is None:
        return None
    head = int(hex32[:8], 16)
    mid = int(hex32[8:24], 16) ^ digest(seed, "mask", head)
    tail = int(hex32[24:], 16)
    kind_value = mid >> 60
    idx = (mid >> 32) & ((1 << 28) - 1)
    sub = mid & 0xFFFFFFFF
    try:
        kind = Kind(kind_value)
    except ValueError:
        return None
    check = digest(seed, "id", int(kind), idx, sub)
    if check >> 32 != head or check & 0xFFFFFFFF != tail:
        return None
    return kind, idx, sub
