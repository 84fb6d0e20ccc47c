"""Notion-style cursor pagination: ``page_size`` <= 100 and opaque, scoped cursors.

A cursor is a UUID-shaped token that encodes the offset of the next item and a hash of
the list it belongs to, so a cursor from one list (or a made-up one) is rejected with a
400 ``validation_error`` like Notion does, and no server-side state is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from .errors import validation_error
from .ids import Kind, decode_id, digest, encode_id

__all__ = ["MAX_PAGE_SIZE", "Page", "paginate", "parse_page_size"]

MAX_PAGE_SIZE = 100
T = TypeVar("T")


class Page(tuple[list[Any], str | None, bool]):
    """(results, next_cursor, has_more)."""


def parse_page_size(raw: Any, where: str) -> int:
    """Validate ``page_size`` from a query string (``where="query"``) or body."""
    if raw is None:
        return MAX_PAGE_SIZE
    value: int
    if isinstance(raw, bool):
        raise validation_error(
            f"{where} failed validation: {where}.page_size should be a "
            f"number, instead was `{raw!r}`."
        )
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        value = int(raw)
    else:
        raise validation_error(
            f"{where} failed validation: {where}.page_size should be a "
            f"number, instead was `{raw!r}`."
        )
    if value > MAX_PAGE_SIZE:
        raise validation_error(
            f"{where} failed validation: {where}.page_size should be less "
            f"than or equal to `{MAX_PAGE_SIZE}`, instead was `{value}`."
        )
    if value < 1:
        raise validation_error(
            f"{where} failed validation: {where}.page_size should be "
            f"greater than or equal to `1`, instead was `{value}`."
        )
    return value


def _scope_hash(seed: int, scope: str) -> int:
    return digest(seed, "cursor", scope) & 0xFFFFFFFF


def paginate(
    seed: int, scope: str, items: Sequence[T], start_cursor: Any, page_size: int, where: str
) -> tuple[list[T], str | None, bool]:
    """Slice ``items`` for one page of results.

    :param scope: identifies the list (endpoint, parent id, filters), so cursors are only
        valid for the list that issued them.
    """
    offset = 0
    if start_cursor is not None:
        decoded = decode_id(seed, start_cursor) if isinstance(start_cursor, str) else None
        if (
            decoded is None
            or decoded[0] != Kind.CURSOR
            or decoded[2] != _scope_hash(seed, scope)
            or decoded[1] > len(items)
        ):
            raise validation_error(
                f"{where} failed validation: {where}.start_cursor should be "
                f"a valid cursor, instead was `{start_cursor!r}`."
            )
        offset = decoded[1]
    chunk = list(items[offset : offset + page_size])
    end = offset + len(chunk)
    has_more = end < len(items)
    cursor = encode_id(seed, Kind.CURSOR, end, _scope_hash(seed, scope)) if has_more else None
    return chunk, cursor, has_more
