"""``manifest.json`` at the root of every export: what was asked, what came out, what did not."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from notion_sync import __version__

__all__ = ["NOTION_API_VERSION", "build_manifest"]

NOTION_API_VERSION = "2025-09-03"


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds")


def build_manifest(
    export: dict[str, Any],
    documents: Iterable[tuple[str, list[Any]]],
    written: dict[str, int],
    finished_at: int,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest of one export.

    :param export: the ledger's record of the export (request fields, times, traffic).
    :param documents: ``(document id, [outcome, kind, reason])`` for every owed document,
        read once (the render child's come from disk).
    :param written: files written per format.
    """
    kinds: dict[str, int] = {}
    unchanged = 0
    skipped, failed = [], []
    for doc_id, (outcome, kind, reason) in documents:
        if outcome in ("assembled", "unchanged"):
            kinds[kind] = kinds.get(kind, 0) + 1
            unchanged += outcome == "unchanged"
        elif outcome == "skipped":
            skipped.append({"id": doc_id, "kind": kind, "reason": reason})
        elif outcome == "failed":
            failed.append({"id": doc_id, "kind": kind, "reason": reason})
    return {
        "export_id": export["export_id"],
        "tool": {"name": "notion-sync", "version": __version__},
        "notion_api_version": NOTION_API_VERSION,
        "request": {
            "token_ref": export.get("token_ref"),
            "formats": export.get("formats"),
            "roots": export.get("roots") or [],
            "out_dir": export.get("out_dir"),
        },
        "started_at": _iso(export.get("started_at")),
        "finished_at": _iso(finished_at),
        "counts": {
            "documents": kinds,
            "unchanged": unchanged,
            "written": written,
            "skipped": len(skipped),
            "failed": len(failed),
            "requests": export.get("requests", 0),
            "rate_limited": export.get("rate_limited", 0),
            "retries": export.get("retries", 0),
        },
        "skipped": skipped,
        "failed": failed,
        **(extra or {}),
    }
