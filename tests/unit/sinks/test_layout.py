"""Output layout: safe names, a tree mirroring the workspace, no collisions, stable."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import PurePosixPath

import pytest

from notion_sync.sinks.layout import build_layout, relative_href
from notion_sync.sinks.names import safe_component, short_id
from notion_sync.store.document import IndexEntry

WS = {"type": "workspace", "workspace": True}


def entry(
    doc_id: str,
    title: str,
    parent: dict | None = None,
    kind: str = "page",
    children: list[str] | None = None,
    database_id: str | None = None,
) -> IndexEntry:
    return IndexEntry(
        id=doc_id,
        kind=kind,
        title=title,
        parent=parent or WS,  # type: ignore[typeddict-item]
        database_id=database_id,
        children=children or [],
        last_edited_time=None,
    )


def uid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Plain", "Plain"),
        ("", "Untitled"),
        (None, "Untitled"),
        ("   ", "Untitled"),
        ("..", "Untitled"),
        ("../../etc/passwd", "etc passwd"),
        ("/absolute/path", "absolute path"),
        ("C:\\Windows\\system32", "C Windows system32"),
        ('a<b>c:d"e/f\\g|h?i*j', "a b c d e f g h i j"),
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("LPT9", "LPT9_"),
        ("com1 ", "com1_"),
        ("Console", "Console"),
        ("trailing dots...", "trailing dots"),
        ("tab\tand\nnewline\x00nul", "tab and newline nul"),
        ("right\u202eleft", "right left"),
    ],
)
def test_safe_component(title: str | None, expected: str) -> None:
    assert safe_component(title) == expected


def test_safe_component_caps_utf8_bytes_without_splitting_characters() -> None:
    name = safe_component("é" * 300)
    assert len(name.encode("utf-8")) <= 80
    assert name == "é" * 40
    emoji = safe_component("🙂" * 100)
    assert emoji == "🙂" * 20


def test_short_id_uses_random_tail_of_the_id() -> None:
    assert short_id("1a2b3c4d-0000-4000-8000-00000000abcd") == "0000abcd"
    assert short_id("1A2B3C4D00004000800000000000ABCD") == "0000abcd"


def test_tree_mirrors_parents_and_places_databases_beside_row_folders() -> None:
    home, sub, deep, ds, row, in_toggle = (uid(i) for i in range(1, 7))
    layout = build_layout(
        [
            entry(home, "Home", children=[in_toggle]),
            entry(sub, "Sub", {"type": "page_id", "page_id": home}),
            entry(deep, "Deep", {"type": "page_id", "page_id": sub}),
            entry(
                ds,
                "Tasks",
                {"type": "page_id", "page_id": home},
                kind="data_source",
                database_id=uid(99),
            ),
            entry(row, "Row", {"type": "data_source_id", "data_source_id": ds}),
            entry(in_toggle, "Toggled", {"type": "block_id", "block_id": "some-toggle"}),
        ]
    )
    assert layout.path(home, ".md") == PurePosixPath("Home 00000001.md")
    assert layout.path(sub, ".md") == PurePosixPath("Home 00000001/Sub 00000002.md")
    assert layout.path(deep, ".html") == PurePosixPath(
        "Home 00000001/Sub 00000002/Deep 00000003.html"
    )
    assert layout.path(ds, ".csv") == PurePosixPath("Home 00000001/Tasks 00000004.csv")
    assert layout.path(row, ".md") == PurePosixPath("Home 00000001/Tasks 00000004/Row 00000005.md")
    assert layout.path(in_toggle, ".md") == PurePosixPath("Home 00000001/Toggled 00000006.md")
    assert layout.resolve(uid(99)) == ds.replace("-", "")  # a database id finds its data source
    assert layout.ancestors(deep) == [home.replace("-", ""), sub.replace("-", "")]


def test_data_source_under_a_block_and_pages_with_unexported_parents_go_top_level() -> None:
    home, ds, orphan = uid(1), uid(2), uid(3)
    layout = build_layout(
        [
            entry(home, "Home", children=[uid(50)]),  # holds the child_database block of uid(50)
            entry(
                ds,
                "Inline DB",
                {"type": "block_id", "block_id": "col"},
                kind="data_source",
                database_id=uid(50),
            ),
            entry(orphan, "Orphan", {"type": "page_id", "page_id": uid(77)}),
        ]
    )
    assert layout.path(ds, ".csv") == PurePosixPath("Home 00000001/Inline DB 00000002.csv")
    assert layout.path(orphan, ".md") == PurePosixPath("Orphan 00000003.md")


def test_collisions_are_impossible_even_with_equal_short_ids_and_case() -> None:
    a = "aaaaaaaa-0000-4000-8000-000012345678"
    b = "bbbbbbbb-0000-4000-8000-000012345678"  # same last 8 hex digits
    c = uid(3)
    layout = build_layout([entry(a, "Notes"), entry(b, "NOTES"), entry(c, "notes")])
    names = [layout.path(x, ".md").name for x in (a, b, c)]
    assert names[0] == "Notes 12345678.md"
    assert names[1] == "NOTES bbbbbbbb000040008000000012345678.md"
    assert len({n.casefold() for n in names}) == 3


def test_hostile_titles_never_escape_and_duplicates_stay_distinct() -> None:
    titles = [
        "../../x",
        "/etc/passwd",
        "..",
        ".",
        "CON",
        "a" * 300,
        "<script>",
        "",
        "dup",
        "dup",
        "nul.txt",
        "x" + "\\" * 5,
    ]
    entries = [entry(uid(i + 1), t) for i, t in enumerate(titles)]
    layout = build_layout(entries)
    paths = [layout.path(e["id"], ".html") for e in entries]
    assert len({str(p).casefold() for p in paths}) == len(paths)
    for p in paths:
        assert not p.is_absolute() and ".." not in p.parts and len(p.parts) == 1
        assert len(p.name.encode("utf-8")) <= 255
        assert not p.stem.endswith((" ", "."))


def test_layout_is_identical_whatever_the_entry_order() -> None:
    rng = random.Random(5)
    entries = [entry(uid(1), "Root")] + [
        entry(uid(i), f"P{i % 7}", {"type": "page_id", "page_id": uid(rng.randint(1, i - 1))})
        for i in range(2, 200)
    ]
    first = build_layout(entries)
    rng.shuffle(entries)
    second = build_layout(entries)
    assert [first.path(e["id"], ".md") for e in entries] == [
        second.path(e["id"], ".md") for e in entries
    ]
    assert list(first.tree()) == list(second.tree())


def test_parent_cycles_are_broken_not_followed_forever() -> None:
    a, b = uid(1), uid(2)
    layout = build_layout(
        [
            entry(a, "A", {"type": "page_id", "page_id": b}),
            entry(b, "B", {"type": "page_id", "page_id": a}),
        ]
    )
    assert layout.path(a, ".md") == PurePosixPath("A 00000001.md")
    assert layout.path(b, ".md") == PurePosixPath("A 00000001/B 00000002.md")


def test_files_are_placed_in_the_page_folder_avoiding_documents_and_each_other() -> None:
    home, child = uid(1), uid(2)
    layout = build_layout(
        [entry(home, "Home"), entry(child, "Child", {"type": "page_id", "page_id": home})]
    )
    files = {
        "https://s3/a?sig=1": {
            "sha256": "1" * 64,
            "name": "photo.png",
            "size": 1,
            "content_type": "",
        },
        "https://s3/b?sig=2": {
            "sha256": "2" * 64,
            "name": "photo.png",
            "size": 1,
            "content_type": "",
        },
        "https://s3/c?sig=3": {
            "sha256": "3" * 64,
            "name": "Child 00000002.md",
            "size": 1,
            "content_type": "",
        },
        "https://s3/d?sig=4": {
            "sha256": "4" * 64,
            "name": "../../evil.sh",
            "size": 1,
            "content_type": "",
        },
        "https://s3/a?sig=5": {
            "sha256": "1" * 64,
            "name": "photo.png",
            "size": 1,
            "content_type": "",
        },
    }
    placed = layout.place_files(home, files)  # type: ignore[arg-type]
    folder = PurePosixPath("Home 00000001")
    assert placed["https://s3/a?sig=1"] == folder / "photo.png"
    assert placed["https://s3/a?sig=5"] == folder / "photo.png"  # same blob, one copy
    assert placed["https://s3/b?sig=2"] == folder / "photo (2).png"
    assert placed["https://s3/c?sig=3"] == folder / "Child 00000002 (2).md"
    assert placed["https://s3/d?sig=4"] == folder / "evil.sh"


def test_relative_href() -> None:
    assert relative_href(PurePosixPath("a/b.md"), PurePosixPath("a/b/c.md")) == "b/c.md"
    assert relative_href(PurePosixPath("a/b/c.md"), PurePosixPath("x.md")) == "../../x.md"
    assert relative_href(PurePosixPath("top.md"), PurePosixPath("other.md")) == "other.md"


def test_very_deep_trees_do_not_exhaust_the_stack() -> None:
    entries = [entry(uid(1), "L1")] + [
        entry(uid(i), f"L{i}", {"type": "page_id", "page_id": uid(i - 1)}) for i in range(2, 3000)
    ]
    layout = build_layout(entries)
    assert len(layout.path(uid(2999), ".md").parts) == 2999


def _peak_python_memory_building_and_walking(count: int) -> int:
    entries = (
        entry(uid(i), f"P{i % 9}", {"type": "page_id", "page_id": uid(i // 3)} if i > 3 else None)
        for i in range(1, count + 1)
    )
    tracemalloc.start()
    try:
        with build_layout(entries) as layout:
            walked = sum(1 for _ in layout.tree())
            assert (
                layout.path(uid(count), ".md").parts[-1]
                == f"P{count % 9} {short_id(uid(count))}.md"
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert walked == count
    return peak


def test_a_layout_lives_on_disk_so_six_times_the_documents_cost_no_more_memory() -> None:
    small = _peak_python_memory_building_and_walking(2_000)  # both past one batch of 1,000
    large = _peak_python_memory_building_and_walking(12_000)
    # Held as Python objects (dicts of paths and titles), the large tree cost 16 MB more.
    assert large < small + 500_000, (small, large)


def test_name_clashes_are_settled_in_id_order_across_any_number_of_siblings() -> None:
    # 1,500 siblings (more than the layout names per batch) whose short names all clash.
    ids = [f"{n:08x}-0000-4000-8000-0000deadbeef" for n in range(1500, 0, -1)]
    with build_layout([entry(i, "Same") for i in ids]) as layout:
        names = {i: layout.path(i, ".md").name for i in ids}
        order = [item.path(".md").name for item in layout.tree()]
    first = min(ids)
    assert names[first] == "Same deadbeef.md"
    assert all(names[i] == f"Same {i.replace('-', '')}.md" for i in ids if i != first)
    assert order == sorted(order, key=str.casefold)
