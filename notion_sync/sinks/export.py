"""Documents on disk → one output tree per format (``out_dir/<format>/…``).

:func:`render_export` computes the layout from the index entries into a file of
its own (:mod:`notion_sync.sinks.layout`), then loads, renders and writes one document at a
time, so memory stays flat however large the workspace. :func:`render_document`
is the per-document step on its own, for a caller that already holds a
:class:`~notion_sync.sinks.layout.Layout`.

Writes are atomic and happen only when the bytes differ, so a rerun over an
unchanged store touches nothing and two runs give byte-identical trees. Nothing
is ever deleted. Downloaded files are copies of the content-addressed blobs
(reflinks where the file system can). Every file gets the mode ``open()`` would
give it under the umask (:data:`~notion_sync.store.atomic.FILE_MODE`), so a web
server can serve the trees.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from notion_sync.core.config import MarkdownSettings
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.formats import Renderer, get_renderer
from notion_sync.sinks.html import INDEX, STYLESHEET, render_index, stylesheet
from notion_sync.sinks.layout import Layout, build_layout
from notion_sync.sinks.md_index import INDEX_MD, render_index_md
from notion_sync.sinks.names import norm_id
from notion_sync.sinks.number_formats import NumberFormats
from notion_sync.sinks.readme import README, export_readme
from notion_sync.store.atomic import FILE_MODE, atomic_write, atomic_writer
from notion_sync.store.document import USERS_DOCUMENT_ID, Document, IndexEntry
from notion_sync.store.documents import DocumentStore, StoredRows
from notion_sync.store.files import FileStore

__all__ = [
    "RenderReport",
    "render_document",
    "render_export",
    "user_names",
    "workspace_name",
    "write_if_changed",
    "write_pieces_if_changed",
]

USERS_FILE = PurePosixPath("users.json")
#: Bytes read at a time when files are copied or compared.
COPY_BUFFER = 1024 * 1024


@dataclass
class RenderReport:
    """What one render pass did.

    :param written: documents rendered per format (present and current on disk).
    :param changed: files actually rewritten per format (0 on an unchanged rerun).
    :param files_placed: downloaded files linked or copied into the trees.
    :param unknown: things rendered only approximately, ``"block:<type>"`` → count.
    :param problems: document id → reason, for documents (or files) that failed.
    """

    written: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    files_placed: int = 0
    unknown: Counter[str] = field(default_factory=Counter)
    problems: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly digest (sorted, so manifests are stable)."""
        return {
            "written": dict(sorted(self.written.items())),
            "changed": dict(sorted(self.changed.items())),
            "files_placed": self.files_placed,
            "unknown_types": dict(sorted(self.unknown.items())),
            "problems": dict(sorted(self.problems.items())),
        }


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write ``data`` unless ``path`` already holds exactly it; True if written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True


class _Unchanged(Exception):
    """Raised to drop a temporary file that came out the same as the one on disk."""


def write_pieces_if_changed(path: Path, pieces: Iterable[bytes]) -> bool:
    """:func:`write_if_changed` for a file made a piece at a time, never held whole.

    The pieces go to a temporary file while they are compared with the file on
    disk; it replaces that file only if they differ, and is dropped, unsynced,
    otherwise. So the pieces are made once.
    """
    try:
        old: BinaryIO | None = path.open("rb")
    except FileNotFoundError:
        old = None
    try:
        with atomic_writer(path) as fh:
            same = old is not None
            for piece in pieces:
                fh.write(piece)
                same = same and old is not None and old.read(len(piece)) == piece
            if same and old is not None and not old.read(1):
                raise _Unchanged
    except _Unchanged:
        return False
    finally:
        if old is not None:
            old.close()
    return True


def _place_file(blob: Path, dest: Path) -> bool:
    """Copy ``blob`` to ``dest`` unless the same bytes are there already; True if placed.

    A copy, never a hard link: a user who edits an exported file must not change the
    store (the next export would then find it "unchanged"). Where the filesystem can, the
    copy is a reflink, which shares the blocks until either side is written.
    """
    try:
        if not dest.samefile(blob) and _same_bytes(blob, dest):
            return False
    except FileNotFoundError:
        pass
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, FILE_MODE)
        with blob.open("rb") as source, os.fdopen(fd, "wb") as target:
            _clone_or_copy(source, target)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return True


#: Linux's FICLONE ioctl: share a file's blocks copy-on-write (Btrfs, XFS, bcachefs, …).
_FICLONE = 0x40049409


def _clone_or_copy(source: BinaryIO, target: BinaryIO) -> None:
    try:
        fcntl.ioctl(target.fileno(), _FICLONE, source.fileno())
    except OSError:
        shutil.copyfileobj(source, target, COPY_BUFFER)


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as left, b.open("rb") as right:
        while chunk := left.read(COPY_BUFFER):
            if chunk != right.read(len(chunk)):
                return False
    return True


def workspace_name(store: DocumentStore) -> str:
    """The workspace's name as the integration's bot user reports it (for the HTML index)."""
    users = store.get(USERS_DOCUMENT_ID) or {}
    for user in users.get("users") or []:
        name = ((user.get("bot") or {}) if isinstance(user, dict) else {}).get("workspace_name")
        if isinstance(name, str) and name:
            return name
    return "Notion"


def user_names(users_doc: Document | None) -> dict[str, str]:
    """User id → name from the export's users document (both id spellings)."""
    names: dict[str, str] = {}
    for user in (users_doc or {}).get("users") or []:
        if isinstance(user, Mapping) and isinstance(user.get("id"), str) and user.get("name"):
            names[user["id"]] = str(user["name"])
            names[norm_id(user["id"])] = str(user["name"])
    return names


def render_document(
    doc: Document,
    layout: Layout,
    renderers: Sequence[Renderer],
    files: FileStore,
    out_dir: Path,
    *,
    users: Mapping[str, str] | None = None,
    number_formats: Mapping[str, str] | None = None,
    report: RenderReport | None = None,
) -> RenderReport:
    """Render one document into every given format's tree and place its files.

    ``number_formats`` are a row page's data source's (see
    :class:`~notion_sync.sinks.number_formats.NumberFormats`).

    ``layout`` must contain the document (build it with
    :func:`notion_sync.sinks.layout.build_layout` over the export's entries). Failures are
    recorded in the report, never raised, so one bad document cannot stop an export.
    """
    report = report if report is not None else RenderReport()
    doc_id = str(doc.get("id") or "")
    kind = doc.get("kind")
    seen: Counter[str] = Counter()  # per document, the most any one format saw
    formats = frozenset(renderer.name for renderer in renderers)
    for renderer in renderers:
        if kind not in renderer.kinds:
            continue
        root = out_dir / renderer.name
        try:
            if kind == "users":
                target = USERS_FILE
                ctx = RenderContext(layout, doc_id, renderer.file_extension)
            else:
                placed = layout.place_files(doc_id, _blobs(doc, files, report))
                ctx = RenderContext(
                    layout,
                    doc_id,
                    renderer.file_extension,
                    placed,
                    users or {},
                    formats=formats,
                    number_formats=number_formats or {},
                )
                target = ctx.path
                for url, rel in sorted(placed.items(), key=lambda kv: str(kv[1])):
                    blob = files.path_for(doc["files"][url]["sha256"])
                    report.files_placed += _place_file(blob, _inside(root, rel))
            path = _inside(root, target)
            changed = (
                write_pieces_if_changed(path, renderer.render_pieces(doc, ctx))
                if isinstance(doc.get("rows"), StoredRows)
                else write_if_changed(path, renderer.render(doc, ctx))
            )
            if changed:
                report.changed[renderer.name] += 1
            report.written[renderer.name] += 1
            seen |= ctx.stats
        except Exception as exc:
            report.problems[doc_id] = f"{renderer.name}: {type(exc).__name__}: {exc}"
    report.unknown.update(seen)
    return report


def _blobs(doc: Document, files: FileStore, report: RenderReport) -> dict[str, Any]:
    """The document's downloaded files whose blobs are really in the store."""
    present: dict[str, Any] = {}
    for url, ref in (doc.get("files") or {}).items():
        sha = ref.get("sha256") if isinstance(ref, Mapping) else None
        if isinstance(sha, str) and files.has(sha):
            present[url] = ref
        else:
            name = ref.get("name") if isinstance(ref, Mapping) else url
            report.problems[f"{doc.get('id')}:{name}"] = (
                "downloaded file missing from the file store; linked to its URL instead"
            )
    return present


def _inside(root: Path, rel: PurePosixPath) -> Path:
    """``root / rel``, refusing anything that would land outside ``root``."""
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"path escapes the output directory: {rel}")
    return root.joinpath(*rel.parts)


def render_export(
    store: DocumentStore,
    files: FileStore,
    formats: Sequence[str],
    out_dir: Path,
    *,
    workspace_name: str = "Notion",
    only: Container[str] | None = None,
    scratch_dir: Path | None = None,
    markdown: MarkdownSettings | None = None,
) -> RenderReport:
    """Render every document of ``store`` (or those in ``only``) into ``out_dir/<format>/``,
    and the export's ``README.md``.

    :param formats: format names (see :func:`notion_sync.sinks.formats.get_renderer`); unknown
        names raise before anything is written.
    :param only: ids (as the store spells them) of the documents to include, e.g.
        this export's; others are neither rendered nor linked to. Any container: the
        render child's is kept on disk.
    :param scratch_dir: where the layout's file goes (SQLite's temporary directory
        if None).
    :param markdown: how the markdown format writes pages (the defaults if None).
    """
    markdown = markdown or MarkdownSettings()
    renderers = [get_renderer(name, markdown=markdown) for name in dict.fromkeys(formats)]

    def included() -> Iterator[IndexEntry]:
        for e in store.entries():
            if only is None or e["kind"] == "users" or e["id"] in only:
                yield e

    users_doc = store.get(USERS_DOCUMENT_ID) if store.entry(USERS_DOCUMENT_ID) else None
    users = user_names(users_doc)
    report = RenderReport()
    with build_layout(included(), scratch_dir) as layout, NumberFormats(store, scratch_dir) as nf:
        for entry in included():
            kind = entry["kind"]
            doc = (
                users_doc
                if kind == "users"
                else store.open(entry["id"])
                if kind == "data_source"
                else store.get(entry["id"])
            )
            if doc is None:
                report.problems[entry["id"]] = (
                    "document listed in the index but missing from the store"
                )
                continue
            numbers = nf.of_page(doc) if kind == "page" else None
            render_document(
                doc,
                layout,
                renderers,
                files,
                out_dir,
                users=users,
                number_formats=numbers,
                report=report,
            )
        if any(r.name == "html" for r in renderers):
            html_root = out_dir / "html"
            index = write_pieces_if_changed(html_root / INDEX, render_index(layout, workspace_name))
            report.changed["html"] += index
            report.changed["html"] += write_if_changed(html_root / STYLESHEET, stylesheet())
        if any(r.name == "markdown" for r in renderers):
            md_index = render_index_md(layout, workspace_name, markdown)
            report.changed["markdown"] += write_pieces_if_changed(
                out_dir / "markdown" / INDEX_MD, md_index
            )
    write_if_changed(out_dir / README, export_readme([r.name for r in renderers]))
    return report
