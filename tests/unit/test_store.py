"""Issue 6: a kill -9 in the middle of a write never puts a broken document in the store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from notion_sync.store.documents import DocumentStore

_KILLED_MID_WRITE = """
import os, sys
from pathlib import Path
from notion_sync.store.documents import DocumentStore
writes = []
def fsync(fd):  # die as kill -9 would, in the index write: after the open, before the rename
    writes.append(fd)
    if len(writes) == 2:
        os._exit(9)
os.fsync = fsync
DocumentStore(Path(sys.argv[1])).put({"kind": "page", "id": "bb" + "0" * 30, "page": {}})
"""


def test_a_write_killed_half_way_leaves_nothing_a_scan_reads(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    kept = {"kind": "page", "id": "aa" + "0" * 30, "page": {}}
    store.put(kept)  # type: ignore[arg-type]
    done = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, str(tmp_path)], check=False)
    assert done.returncode == 9
    assert [p.name[:5] for p in (tmp_path / "index" / "bb").iterdir()] == [".tmp-"]
    assert [entry["id"] for entry in store.entries()] == [kept["id"]]
