"""Reading one export's entries out of a per-document table (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["export_entries"]


def export_entries(table: Mapping[Any, Any], export_id: str) -> list[tuple[str, Any]]:
    """``(key, value)`` of every ``"<export_id>/…"`` key, as a list: callers delete as they go.

    Per-document tables key their entries by export and document, beside other keys
    (the fetcher's ``search/<export_id>`` cursor), so one export's entries are a scan.
    """
    prefix = f"{export_id}/"
    return [
        (key, value)
        for key, value in list(table.items())
        if isinstance(key, str) and key.startswith(prefix)
    ]
