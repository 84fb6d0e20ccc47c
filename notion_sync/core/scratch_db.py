"""Private SQLite files for state that a process rebuilds rather than recovers.

The worker's per-document tables (:mod:`notion_sync.kafka.table_store`) and the render
child's layout of an export (:mod:`notion_sync.sinks.layout`) hold an entry for every
document. Kept as Python objects they grow the process with the workspace; here
they cost disk, and the process only SQLite's page cache.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

__all__ = ["open_scratch_db"]


def open_scratch_db(folder: Path | None, name: str, *, cache_kb: int) -> sqlite3.Connection:
    """A private database file in ``folder``, unlinked once open.

    Unlinked, it goes with the process, even after a kill -9, and processes
    sharing a folder never meet: the way SQLite treats its own temporary
    databases, which is what ``folder=None`` gives (in SQLite's temporary
    directory, ``SQLITE_TMPDIR`` or ``TMPDIR``). No journal and no syncing:
    nothing here outlives a crash, so nothing needs to be durable.
    """
    if folder is None:
        db = sqlite3.connect("", isolation_level=None)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}-{uuid.uuid4().hex}.sqlite"
        db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(f"PRAGMA cache_size = -{cache_kb}")
        db.execute("PRAGMA temp_store = FILE")
    finally:
        if folder is not None:
            path.unlink()
    return db
