"""Where each document goes in the output tree, computed from index entries alone.

Rules (identical for every format; only the extension differs):

- A document is named ``<safe title> <short id>`` (see :mod:`sinks.names`); its
  file is that name plus the format's extension and the documents it contains
  (subpages, a data source's row pages, its downloaded files) live in a folder
  of the same name beside it, as in Notion's own export.
- A page whose parent is a page, a data source (a row) or a block of an exported
  page goes in that page's / data source's folder; a data source goes where its
  database sits. Anything whose parent was not exported goes at the top level.
- Siblings are compared case-folded; on a clash (same title *and* same short id,
  or titles that sanitise alike) the later id, in id order, gets its full
  32-hex id instead, so names are unique and the same on every run.
- Names never contain a separator or ``..``, so no path escapes the output root.
  Top-level names the export itself uses (``index.html``, the stylesheet,
  ``users.json``) cannot clash: document names always end in hex digits.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from sinks.document import DocumentKind, FileRef, IndexEntry
from sinks.names import casefold_key, norm_id, safe_component, short_id

__all__ = ["Layout", "build_layout", "notion_url"]

_DOC_EXTENSIONS = (".md", ".html", ".csv", ".json")


def notion_url(notion_id: str) -> str:
    """The canonical web URL of any Notion page or database id."""
    return f"https://www.notion.so/{norm_id(notion_id)}"


@dataclass
class Layout:
    """The output tree of one export: document stems, parents and titles by id.

    All ids are keyed in :func:`sinks.names.norm_id` form. ``stems`` holds each
    document's path relative to a format root *without* extension.
    """

    stems: dict[str, PurePosixPath] = field(default_factory=dict)
    kinds: dict[str, DocumentKind] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)
    children: dict[str | None, list[str]] = field(default_factory=dict)
    databases: dict[str, list[str]] = field(default_factory=dict)
    original_ids: dict[str, str] = field(default_factory=dict)

    def __contains__(self, notion_id: object) -> bool:
        return isinstance(notion_id, str) and norm_id(notion_id) in self.stems

    def resolve(self, notion_id: str) -> str | None:
        """The exported document standing for a page, data source or database id."""
        key = norm_id(notion_id)
        if key in self.stems:
            return key
        sources = self.databases.get(key)
        return sources[0] if sources else None

    def path(self, doc_id: str, extension: str) -> PurePosixPath:
        """Relative path of a document's file for a format (``extension`` like ``.md``)."""
        stem = self.stems[norm_id(doc_id)]
        return stem.with_name(stem.name + extension)

    def folder(self, doc_id: str) -> PurePosixPath:
        """Relative folder holding what a document contains (subpages, rows, files)."""
        return self.stems[norm_id(doc_id)]

    def title(self, notion_id: str) -> str | None:
        key = self.resolve(notion_id)
        return self.titles.get(key) if key else None

    def ancestors(self, doc_id: str) -> list[str]:
        """Ids from the top level down to (not including) ``doc_id``."""
        chain: list[str] = []
        parent = self.parents.get(norm_id(doc_id))
        while parent is not None:  # build_layout broke every cycle
            chain.append(parent)
            parent = self.parents.get(parent)
        return chain[::-1]

    def walk(self, parent: str | None = None, depth: int = 0) -> Iterable[tuple[int, str]]:
        """Depth-first (depth, id) in name order: the order of the HTML index."""
        for child in self.children.get(parent, []):
            yield depth, child
            yield from self.walk(child, depth + 1)

    def place_files(self, doc_id: str, files: Mapping[str, FileRef]) -> dict[str, PurePosixPath]:
        """Map each served URL of a document's files to its path in the document's folder.

        Names come from the file's own name, made safe; duplicates get `` (2)``,
        `` (3)``… in (name, sha256) order, and names of the folder's documents are
        avoided, so files never overwrite pages. URLs differ on every fetch but the
        placement depends only on names and content, so it is stable across runs.
        """
        folder = self.folder(doc_id)
        taken: set[str] = set()
        for child in self.children.get(norm_id(doc_id), []):
            name = self.stems[child].name
            taken.add(casefold_key(name))
            taken.update(casefold_key(name + ext) for ext in _DOC_EXTENSIONS)
        by_blob: dict[tuple[str, str], PurePosixPath] = {}
        placed: dict[str, PurePosixPath] = {}
        for url, ref in sorted(
            files.items(), key=lambda kv: (kv[1].get("name") or "", kv[1]["sha256"], kv[0])
        ):
            key = (ref.get("name") or "", ref["sha256"])
            if key not in by_blob:
                by_blob[key] = folder / _unique_file_name(ref.get("name") or "", taken)
            placed[url] = by_blob[key]
        return placed


def _unique_file_name(name: str, taken: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = name, ""
    base = safe_component(stem, limit=60, fallback="file")
    ext = safe_component(ext, limit=16, fallback="") if ext else ""
    suffix = f".{ext}" if ext else ""
    candidate, n = base + suffix, 1
    while casefold_key(candidate) in taken:
        n += 1
        candidate = f"{base} ({n}){suffix}"
    taken.add(casefold_key(candidate))
    return candidate


def _parent_of(
    entry: IndexEntry, ids: set[str], container: dict[str, str], databases: dict[str, list[str]]
) -> str | None:
    """The exported document an entry belongs in, or None for the top level."""
    me = norm_id(entry["id"])
    if entry["kind"] == "data_source" and entry.get("database_id"):
        held_by = container.get(norm_id(entry["database_id"] or ""))
        if held_by and held_by != me:
            return held_by
    parent: Mapping[str, Any] = entry.get("parent") or {}
    kind = parent.get("type")
    target = parent.get(kind) if isinstance(kind, str) else None
    if kind in ("page_id", "data_source_id") and isinstance(target, str):
        key = norm_id(target)
        if key in ids and key != me:
            return key
    if kind == "database_id" and isinstance(target, str):
        sources = databases.get(norm_id(target))
        if sources and sources[0] != me:
            return sources[0]
    held_by = container.get(me)
    return held_by if held_by != me else None


def build_layout(entries: Iterable[IndexEntry]) -> Layout:
    """Compute the whole tree from index entries (no document is loaded)."""
    docs = sorted(
        (e for e in entries if e["kind"] in ("page", "data_source")), key=lambda e: norm_id(e["id"])
    )
    layout = Layout()
    ids = {norm_id(e["id"]) for e in docs}
    for e in docs:
        key = norm_id(e["id"])
        layout.kinds[key] = e["kind"]
        layout.titles[key] = e.get("title") or ""
        layout.original_ids[key] = e["id"]
        if e["kind"] == "data_source" and e.get("database_id"):
            layout.databases.setdefault(norm_id(e["database_id"] or ""), []).append(key)
    container: dict[str, str] = {}
    for e in docs:
        for child in e.get("children") or []:
            container.setdefault(norm_id(child), norm_id(e["id"]))
    for e in docs:
        layout.parents[norm_id(e["id"])] = _parent_of(e, ids, container, layout.databases)
    _break_cycles(layout)
    _name_tree(layout)
    return layout


def _break_cycles(layout: Layout) -> None:
    """A parent chain that loops (corrupt or hostile data) is cut at the smallest id."""
    settled: set[str] = set()  # nodes known to reach the top level
    for start in sorted(layout.parents):
        path: dict[str, int] = {}  # this walk, in order (dicts keep insertion order)
        node: str | None = start
        while node is not None and node not in settled and node not in path:
            path[node] = len(path)
            node = layout.parents.get(node)
        if node is not None and node in path:
            loop = list(path)[path[node] :]
            layout.parents[min(loop)] = None
        settled.update(path)


def _name_tree(layout: Layout) -> None:
    for doc_id, parent in sorted(layout.parents.items()):
        layout.children.setdefault(parent, []).append(doc_id)
    names: dict[str, str] = {}
    for siblings in layout.children.values():
        taken: set[str] = set()
        for doc_id in siblings:  # id order: the earliest id keeps the short name
            title = safe_component(layout.titles[doc_id])
            name = f"{title} {short_id(doc_id)}"
            if casefold_key(name) in taken:
                name = f"{title} {norm_id(doc_id)}"
            taken.add(casefold_key(name))
            names[doc_id] = name
        siblings.sort(key=lambda d: (casefold_key(names[d]), d))

    for doc_id in sorted(layout.parents):  # iterative: trees may be deeper than the stack
        chain = [doc_id]
        while chain[-1] not in layout.stems and layout.parents[chain[-1]] is not None:
            chain.append(layout.parents[chain[-1]])  # type: ignore[arg-type]
        for node in reversed(chain):
            if node not in layout.stems:
                parent = layout.parents[node]
                base = PurePosixPath() if parent is None else layout.stems[parent]
                layout.stems[node] = base / names[node]


def relative_href(from_file: PurePosixPath, to_path: PurePosixPath) -> str:
    """A relative path from one file of the tree to another, in POSIX form."""
    return posixpath.relpath(str(to_path), str(from_file.parent) or ".")
