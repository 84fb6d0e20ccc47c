"""Export requests: what one asks for, and every way it can be wrong.

A bad request is refused before it reaches Kafka with a message that says what to
fix; the planner runs the same checks, so one that reaches a worker anyway fails
its export with that reason instead of hanging.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from notion_sync.core.errors import ConfigError

__all__ = [
    "FORMATS",
    "build_request",
    "normalize_id",
    "not_a_directory",
    "validate_request",
]

FORMATS = ("json", "markdown", "html", "csv")
_HEX_ID = re.compile(r"^[0-9a-fA-F]{32}$")
_TOKEN_REF = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")


def normalize_id(raw: str) -> str:
    """A Notion id in canonical dashed form, from dashed, bare or a notion.so URL's tail."""
    candidate = raw.strip().rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    candidate = candidate.rsplit("-", 1)[-1] if len(candidate) > 36 else candidate
    bare = candidate.replace("-", "")
    if not _HEX_ID.match(bare):
        raise ConfigError(
            f"{raw!r} is not a Notion page id: expected 32 hex digits, "
            "e.g. 1f2e3d4c5b6a79880011223344556677 or its dashed form"
        )
    bare = bare.lower()
    return f"{bare[:8]}-{bare[8:12]}-{bare[12:16]}-{bare[16:20]}-{bare[20:]}"


def not_a_directory(out_dir: str) -> str | None:
    """Why ``out_dir`` is a URL rather than a directory, or None.

    ``s3://bucket/prefix`` would otherwise be taken as a relative path: the export would
    land in a folder named ``s3:`` and report success.
    """
    match = _URL.match(out_dir)
    if match is None:
        return None
    return (
        f"output directory {out_dir!r} is a URL; exports are written to a local or mounted "
        f"directory: pass a path ({match['scheme']}:// object storage is not supported yet)"
    )


def _writable(out_dir: str) -> str | None:
    path = Path(out_dir)
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return f"output directory {out_dir!r} has no existing parent"
        probe = probe.parent
    if not probe.is_dir():
        return f"output directory {out_dir!r}: {probe} is not a directory; choose another --out"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"output directory {out_dir!r} is not writable ({probe}); choose another --out"
    return None


def validate_request(request: dict[str, Any], *, check_out_dir: bool = True) -> list[str]:
    """Every problem with a request, each phrased as what to fix (empty when it is fine)."""
    problems: list[str] = []
    formats = request.get("formats") or []
    if not formats:
        problems.append(f"no format given: choose one or more of {', '.join(FORMATS)}")
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        problems.append(
            f"unknown format {', '.join(map(repr, unknown))}: choose from {', '.join(FORMATS)}"
        )
    if not _TOKEN_REF.match(str(request.get("token_ref") or "")):
        problems.append(
            f"token ref {request.get('token_ref')!r} is not a name (letters, digits, - and _); "
            "pass the name of a credential, never the token itself"
        )
    for root in request.get("roots") or []:
        try:
            normalize_id(root)
        except ConfigError as exc:
            problems.append(str(exc))
    out_dir = str(request.get("out_dir") or "")
    if not out_dir:
        problems.append("no output directory: pass --out DIR")
    elif url := not_a_directory(out_dir):
        problems.append(url)
    elif not os.path.isabs(out_dir):
        problems.append(f"output directory {out_dir!r} must be absolute on the wire")
    elif check_out_dir and (problem := _writable(out_dir)):
        problems.append(problem)
    return problems


def build_request(
    *,
    formats: Sequence[str],
    out_dir: Path,
    token_ref: str,
    roots: Iterable[str] = (),
    include_comments: bool = True,
    download_external: bool = False,
    export_id: str | None = None,
) -> dict[str, Any]:
    """A validated ExportRequested record; raises ConfigError listing every problem."""
    request: dict[str, Any] = {
        "export_id": export_id or uuid.uuid4().hex,
        "requested_at": int(time.time() * 1000),
        "token_ref": token_ref,
        "formats": list(dict.fromkeys(formats)),
        "out_dir": str(out_dir.expanduser().resolve()),
        "roots": list(roots),
        "include_comments": include_comments,
        "download_external": download_external,
    }
    problems = validate_request(request)
    if problems:
        raise ConfigError("the export request is invalid:\n  " + "\n  ".join(problems))
    request["roots"] = [normalize_id(root) for root in request["roots"]]
    return request
