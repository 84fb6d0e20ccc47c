"""render_export over a real on-disk store: trees, files, links, idempotence, JSON round trip."""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import orjson
import pytest

from notion_sync.sinks.csv_format import PAGE_COLUMN
from notion_sync.sinks.export import (
    RenderReport,
    render_document,
    render_export,
    write_pieces_if_changed,
)
from notion_sync.sinks.formats import UnknownFormatError, get_renderer
from notion_sync.sinks.json_format import FORMAT_VERSION, load_document
from notion_sync.sinks.layout import build_layout
from notion_sync.store.documents import DocumentStore
from notion_sync.store.files import FileStore
from tests.unit.sinks.builders import (
    DATABASE_ID,
    OTHER_ID,
    PAGE_ID,
    ROW_ID,
    SOURCE_ID,
    block,
    doc_of,
    page,
    page_doc,
    para,
    rt,
    source_doc,
)
from tests.unit.sinks.htmlcheck import parse_html

JSON = dict[str, Any]
FORMATS = ["json", "markdown", "html", "csv"]
IMG_URL = "https://prod-files-secure.s3.us-west-2.amazonaws.com/img.png?X-Amz-Signature=abc"


def fill(store: DocumentStore, files: FileStore) -> list[JSON]:
    sha = files.put(b"\x89PNG-not-really")
    home = page_doc(
        [
            block("heading_1", {"rich_text": [rt("Top")]}),
            block("image", {"type": "file", "file": {"url": IMG_URL}, "caption": []}),
            block("child_page", {"title": "../../escape"}, block_id=OTHER_ID),
            block("child_database", {"title": "Tasks"}, block_id=DATABASE_ID),
            block("hologram", {"rich_text": [rt("future")]}),
        ],
        title="<script>alert(1)</script>",
    )
    home["files"] = {
        IMG_URL: {"sha256": sha, "name": "img.png", "size": 15, "content_type": "image/png"}
    }
    home["comments"] = [
        {
            "object": "comment",
            "id": "c1",
            "created_by": {"id": "u-1"},
            "created_time": "2024-03-01T10:00:00.000Z",
            "rich_text": [rt("Nice")],
        }
    ]
    other = page_doc(
        [para("child text")],
        page_id=OTHER_ID,
        title="../../escape",
        parent={"type": "page_id", "page_id": PAGE_ID},
    )
    row = page(ROW_ID, title="Row", parent={"type": "data_source_id", "data_source_id": SOURCE_ID})
    source = source_doc(
        {"title": {"id": "title", "type": "title", "title": {}}},
        [row],
        parent={"type": "page_id", "page_id": PAGE_ID},
    )
    row_doc = doc_of(row)
    users = {
        "kind": "users",
        "id": "users",
        "users": [{"object": "user", "id": "u-1", "name": "Ada"}],
    }
    docs = [home, other, source, row_doc, users]
    for d in docs:
        store.put(d)
    return docs


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_all_formats_tree_report_and_byte_identical_reruns(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    store, files = stores
    fill(store, files)
    out = tmp_path / "out"
    report = render_export(store, files, FORMATS, out, workspace_name="Acme")
    assert report.problems == {}
    assert report.written == {"json": 5, "markdown": 4, "html": 4, "csv": 1}
    assert report.unknown == {"block:hologram": 1}
    home = "script alert(1) script c3d4e5f6"
    tree = snapshot(out)
    assert set(tree) == {
        "README.md",
        "json/users.json",
        f"json/{home}.json",
        f"json/{home}/escape e4e4e4e4.json",
        f"json/{home}/Tasks 9c9c9c9c.json",
        f"json/{home}/Tasks 9c9c9c9c/Row 1e1e1e1e.json",
        f"json/{home}/img.png",
        "markdown/index.md",
        f"markdown/{home}.md",
        f"markdown/{home}/escape e4e4e4e4.md",
        f"markdown/{home}/Tasks 9c9c9c9c.md",
        f"markdown/{home}/Tasks 9c9c9c9c/Row 1e1e1e1e.md",
        f"markdown/{home}/img.png",
        "html/index.html",
        "html/style.css",
        f"html/{home}.html",
        f"html/{home}/escape e4e4e4e4.html",
        f"html/{home}/Tasks 9c9c9c9c.html",
        f"html/{home}/Tasks 9c9c9c9c/Row 1e1e1e1e.html",
        f"html/{home}/img.png",
        f"csv/{home}/Tasks 9c9c9c9c.csv",
    }
    blob = files.path_for(hashlib.sha256(b"\x89PNG-not-really").hexdigest())
    placed = out / "html" / home / "img.png"
    assert placed.read_bytes() == blob.read_bytes()
    assert not os.path.samefile(placed, blob)  # a copy: editing it cannot change the store
    assert report.files_placed == 3

    again = render_export(store, files, FORMATS, out, workspace_name="Acme")
    assert sum(again.changed.values()) == 0 and again.files_placed == 0
    assert snapshot(out) == tree
    fresh = tmp_path / "fresh"
    render_export(store, files, list(reversed(FORMATS)), fresh, workspace_name="Acme")
    assert snapshot(fresh) == tree


def test_every_relative_link_and_image_resolves(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    store, files = stores
    fill(store, files)
    out = tmp_path / "out"
    render_export(store, files, ["html"], out)
    for path in (out / "html").rglob("*.html"):
        parsed = parse_html(path.read_text(encoding="utf-8"))
        assert parsed.errors == [], path
        for ref in parsed.links() + parsed.sources():
            if ref.startswith(("https:", "http:", "mailto:", "#")):
                continue
            target = (path.parent / unquote(ref)).resolve()
            assert target.is_file(), (path, ref)
            assert target.is_relative_to((out / "html").resolve())


def test_json_round_trips_to_the_stored_document(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    """Reading the JSON back gives the stored document, except that a downloaded
    Notion-hosted file points at its copy (its signed URL changes on every response
    and expires within the hour, so keeping it would break byte-identical reruns)."""
    store, files = stores
    docs = fill(store, files)
    out = tmp_path / "out"
    render_export(store, files, ["json"], out)
    by_id = {}
    for path in (out / "json").rglob("*.json"):
        raw = orjson.loads(path.read_bytes())
        assert "local_files" not in raw  # only kept for external files, which the fixture lacks
        loaded = load_document(path.read_bytes())
        by_id[loaded["id"]] = loaded
    home_rel = "script alert(1) script c3d4e5f6/img.png"
    expected = {d["id"]: d for d in docs}
    stored_home = orjson.loads(orjson.dumps(expected[PAGE_ID]))
    stored_home["blocks"][1]["image"]["file"] = {"url": home_rel}  # expiry_time dropped
    stored_home["files"] = {home_rel: stored_home["files"][IMG_URL]}
    expected[PAGE_ID] = stored_home
    assert by_id == expected
    home_json = out / "json" / "script alert(1) script c3d4e5f6.json"
    assert (home_json.parent / by_id[PAGE_ID]["blocks"][1]["image"]["file"]["url"]).is_file()
    stored = store.get(PAGE_ID)
    assert stored is not None
    assert stored["blocks"][1]["image"]["file"]["url"] == IMG_URL  # the store keeps what was served


def test_json_keeps_external_urls_and_does_not_depend_on_signatures(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    """Two fetches differ only in signed URLs; their JSON is byte-identical."""
    store, files = stores
    sha = files.put(b"same bytes")
    ext = "https://example.com/a.pdf"

    def fetched(signature: str) -> JSON:
        url = f"https://prod-files-secure.s3.amazonaws.com/a.png?X-Amz-Signature={signature}"
        doc = page_doc(
            [
                block(
                    "image",
                    {
                        "type": "file",
                        "caption": [],
                        "file": {"url": url, "expiry_time": f"2024-01-01T0{signature}:00Z"},
                    },
                ),
                block("pdf", {"type": "external", "external": {"url": ext}, "caption": []}),
            ]
        )
        doc["comments"] = [
            {
                "object": "comment",
                "id": "c1",
                "rich_text": [],
                "attachments": [{"category": "image", "file": {"url": url, "expiry_time": "x"}}],
            }
        ]
        doc["files"] = {
            url: {"sha256": sha, "name": "a.png", "size": 10, "content_type": "image/png"},
            ext: {"sha256": sha, "name": "a.pdf", "size": 10, "content_type": "application/pdf"},
        }
        return doc

    trees = []
    for signature in ("1", "2"):
        store.put(fetched(signature))
        render_export(store, files, ["json"], tmp_path / signature)
        trees.append(snapshot(tmp_path / signature))
    assert trees[0] == trees[1]
    (name,) = [n for n in trees[0] if n.endswith(".json")]
    raw = orjson.loads(trees[0][name])
    assert raw["blocks"][0]["image"]["file"] == {"url": "Page c3d4e5f6/a.png"}
    assert raw["comments"][0]["attachments"][0]["file"] == {"url": "Page c3d4e5f6/a.png"}
    assert raw["blocks"][1]["pdf"]["external"] == {"url": ext}  # external: as served
    assert raw["local_files"] == {ext: "Page c3d4e5f6/a.pdf"}
    assert list(raw["files"]) == ["Page c3d4e5f6/a.png", ext]


def test_csv_tree_and_only_filter(stores: tuple[DocumentStore, FileStore], tmp_path: Path) -> None:
    store, files = stores
    fill(store, files)
    out = tmp_path / "out"
    report = render_export(store, files, ["csv", "markdown"], out, only=[SOURCE_ID, ROW_ID])
    assert report.written == {"csv": 1, "markdown": 2}
    with (out / "csv" / "Tasks 9c9c9c9c.csv").open(encoding="utf-8-sig", newline="") as fh:
        row_page = "../markdown/Tasks 9c9c9c9c/Row 1e1e1e1e.md"
        assert list(csv.DictReader(fh)) == [{"title": "Row", PAGE_COLUMN: row_page}]
    assert (out / "csv" / row_page).resolve().is_file()


def test_unknown_format_lists_allowed_names(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    with pytest.raises(UnknownFormatError, match="csv, html, json, markdown"):
        get_renderer("pdf")
    store, files = stores
    with pytest.raises(UnknownFormatError):
        render_export(store, files, ["markdown", "docx"], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert get_renderer(" Markdown ").file_extension == ".md"


def test_missing_blob_and_broken_document_are_reported_not_fatal(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    store, files = stores
    doc = page_doc([block("image", {"type": "file", "file": {"url": IMG_URL}, "caption": []})])
    doc["files"] = {
        IMG_URL: {"sha256": "f" * 64, "name": "gone.png", "size": 1, "content_type": "image/png"}
    }
    store.put(doc)
    report = render_export(store, files, ["markdown"], tmp_path / "out")
    assert report.written == {"markdown": 1}
    assert list(report.problems) == [f"{PAGE_ID}:gone.png"]
    text = (tmp_path / "out" / "markdown" / "Page c3d4e5f6.md").read_text()
    assert IMG_URL in text  # falls back to the served URL


def test_render_document_for_a_streaming_sink(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    store, files = stores
    docs = fill(store, files)
    layout = build_layout(store.entries())
    report = RenderReport()
    render_document(docs[1], layout, [get_renderer("markdown")], files, tmp_path, report=report)
    assert report.written == {"markdown": 1}
    assert (
        (tmp_path / "markdown" / "script alert(1) script c3d4e5f6" / "escape e4e4e4e4.md")
        .read_text()
        .endswith("child text\n")
    )


def test_a_file_made_in_pieces_is_rewritten_only_when_its_bytes_differ(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    assert write_pieces_if_changed(path, iter([b"<ul>", b"<li>a</li>", b"</ul>"]))
    before = path.stat()
    assert not write_pieces_if_changed(path, iter([b"<ul><li>", b"a</li></ul>"]))
    assert path.stat().st_ino == before.st_ino and path.stat().st_mtime_ns == before.st_mtime_ns
    for pieces in ([b"<ul><li>a</li>"], [b"<ul><li>a</li></ul>", b"\n"], [b"<ul><li>b</li></ul>"]):
        assert write_pieces_if_changed(path, iter(pieces))
        assert path.read_bytes() == b"".join(pieces)
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]  # no temporary file left


def test_an_edited_exported_file_leaves_the_store_alone_and_is_restored(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    store, files = stores
    fill(store, files)
    out = tmp_path / "out"
    render_export(store, files, ["markdown"], out)
    (image,) = (out / "markdown").rglob("img.png")
    blob = files.path_for(hashlib.sha256(b"\x89PNG-not-really").hexdigest())
    with image.open("r+b") as edited:  # in place, as an editor that keeps the inode would
        edited.write(b"EDITED")
    assert blob.read_bytes() == b"\x89PNG-not-really"
    again = render_export(store, files, ["markdown"], out)
    assert again.files_placed == 1
    assert image.read_bytes() == blob.read_bytes() == b"\x89PNG-not-really"


def test_a_file_hard_linked_by_an_earlier_version_becomes_a_copy(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    store, files = stores
    fill(store, files)
    out = tmp_path / "out"
    render_export(store, files, ["markdown"], out)
    (image,) = (out / "markdown").rglob("img.png")
    blob = files.path_for(hashlib.sha256(b"\x89PNG-not-really").hexdigest())
    image.unlink()
    os.link(blob, image)
    assert render_export(store, files, ["markdown"], out).files_placed == 1
    assert not os.path.samefile(image, blob) and image.read_bytes() == blob.read_bytes()


_RENDER_UNDER_UMASK = """\
import sys
from pathlib import Path

from notion_sync.sinks.export import render_export
from notion_sync.store.documents import DocumentStore
from notion_sync.store.files import FileStore

state, out = Path(sys.argv[1]), Path(sys.argv[2])
render_export(DocumentStore(state), FileStore(state), sys.argv[3].split(","), out)
"""


@pytest.mark.parametrize(
    ("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_files_and_folders_get_the_modes_the_umask_gives(
    stores: tuple[DocumentStore, FileStore],
    tmp_path: Path,
    umask: int,
    file_mode: int,
    dir_mode: int,
) -> None:
    """Not mkstemp's 0600, which the rename kept: nginx serving html/ answered 403 for every
    page. The umask is read once per process, so the render runs in a process of its own."""
    store, files = stores
    fill(store, files)
    out = tmp_path / "out"
    render = [
        sys.executable,
        "-c",
        _RENDER_UNDER_UMASK,
        str(store.root),
        str(out),
        ",".join(FORMATS),
    ]
    subprocess.run(
        ["sh", "-c", f'umask {umask:03o} && exec "$@"', "sh", *render],
        check=True,
        cwd=Path(__file__).parents[3],
    )
    found = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")}
    assert {"README.md", "html/index.html", "html/style.css", "json/users.json"} <= set(found)
    assert any(name.endswith("img.png") for name in found)  # a placed copy of a download
    expected = {name: dir_mode if (out / name).is_dir() else file_mode for name in found}
    assert found == expected
    assert stat.S_IMODE(out.stat().st_mode) == dir_mode


def test_the_readme_says_what_each_rendered_tree_is_and_nothing_else(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    store, files = stores
    fill(store, files)
    out = tmp_path / "out"
    render_export(store, files, ["csv", "markdown"], out)
    readme = (out / "README.md").read_text()
    assert "| `markdown/` |" in readme and "| `csv/` |" in readme
    assert "| `json/` |" not in readme and "| `html/` |" not in readme
    assert "format_version" not in readme  # no JSON written, no JSON format to explain
    assert "| `manifest.json` |" in readme and "| `.notion-sync/` |" in readme
    assert f"`{PAGE_COLUMN}`" in readme
    before = (out / "README.md").stat()
    render_export(store, files, ["markdown", "csv"], out)  # same formats, other order
    after = (out / "README.md").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporary left

    both = tmp_path / "both"
    render_export(store, files, FORMATS, both)
    text = (both / "README.md").read_text()
    assert all(f"| `{name}/` |" in text for name in FORMATS)
    assert f"## JSON format version {FORMAT_VERSION}" in text
    assert f'`"format_version": {FORMAT_VERSION}`' in text
    home = orjson.loads((both / "json" / "script alert(1) script c3d4e5f6.json").read_bytes())
    assert home["format_version"] == FORMAT_VERSION
