"""Natural order wherever the order is ours: the sort key, the layout's tree, the HTML index."""

from __future__ import annotations

import random

import pytest

from notion_sync.sinks.html import render_index
from notion_sync.sinks.layout import build_layout
from notion_sync.sinks.names import natural_key, norm_id
from notion_sync.store.document import IndexEntry
from tests.unit.sinks.htmlcheck import parse_html

WS = {"type": "workspace", "workspace": True}


def uid(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


def entry(
    n: int,
    title: str,
    parent: dict | None = None,
    kind: str = "page",
    database: int | None = None,
) -> IndexEntry:
    return IndexEntry(
        id=uid(n),
        kind=kind,  # type: ignore[typeddict-item]
        title=title,
        parent=parent or WS,
        database_id=uid(database) if database else None,
        children=[],
        child_databases=[],
        last_edited_time=None,
    )


def in_order(titles: list[str]) -> list[str]:
    return sorted(titles, key=natural_key)


@pytest.mark.parametrize(
    ("expected"),
    [
        ["Article 1", "Article 2", "Article 10", "Article 11"],
        ["a", "A1", "a2", "A10"],  # case is ignored
        ["x 9", "x 10", "x 100", "x 1000"],
        ["2", "03", "10"],  # leading zeros do not count
        ["v1.2", "v1.9", "v1.10", "v2.0"],  # every run of digits is a number
        ["1", "12", "１３", "٣٣"],  # full-width and Arabic-Indic digits are digits too
        ["Chapter", "Chapter 1", "Chapter 1a", "Chapter 2"],  # a prefix first
        ["apple", "Éclair", "eclairs", "Zebra"],  # accents do not move a title to the end
        ["9 lives", "10 things", "about", "Zoo"],  # digits before letters, as plain order
        ["", "0", "00 7", "7"],
    ],
)
def test_natural_key_orders_titles_as_people_read_them(expected: list[str]) -> None:
    shuffled = expected[:]
    random.Random(1).shuffle(shuffled)
    assert in_order(shuffled) == expected


def test_natural_key_handles_numbers_longer_than_any_int() -> None:
    long = "9" * 5000  # past Python's int-from-text limit
    assert in_order([f"n{long}9", f"n{long}", "n10"]) == ["n10", f"n{long}", f"n{long}9"]


def test_equal_keys_only_for_titles_that_differ_in_what_is_ignored() -> None:
    assert natural_key("Article 02") == natural_key("article 2")
    assert natural_key("Éclair") == natural_key("eclair")
    assert natural_key("Article 2") != natural_key("Article 20")


def test_siblings_are_in_natural_order_with_ties_broken_by_name_then_id() -> None:
    titles = ["Article 10", "Article 2", "article 1", "Article 11", "Article 1", "Article 01"]
    entries = [entry(100, "Home")] + [
        entry(n, title, {"type": "page_id", "page_id": uid(100)})
        for n, title in enumerate(titles, start=1)
    ]
    with build_layout(entries) as layout:
        shown = [(item.depth, item.title) for item in layout.tree()]
        ids = [item.id for item in layout.tree()]
    # Today's order (by name) was "Article 01, Article 1, article 1, Article 10, Article 11,
    # Article 2"; the three titles of value 1 are ordered by name ("01" < "1") then by id.
    assert shown == [
        (0, "Home"),
        (1, "Article 01"),
        (1, "article 1"),
        (1, "Article 1"),
        (1, "Article 2"),
        (1, "Article 10"),
        (1, "Article 11"),
    ]
    # "article 1" and "Article 1" share a key and, case-folded, all but their short ids.
    assert ids[2:4] == [norm_id(uid(3)), norm_id(uid(5))]


def test_a_database_sources_are_in_natural_order() -> None:
    entries = [
        entry(1, "Home"),
        entry(2, "Q10", {"type": "page_id", "page_id": uid(1)}, "data_source", database=9),
        entry(3, "Q9", {"type": "page_id", "page_id": uid(1)}, "data_source", database=9),
    ]
    with build_layout(entries) as layout:
        assert layout.sources(uid(9)) == [norm_id(uid(3)), norm_id(uid(2))]


def _workspace() -> list[IndexEntry]:
    source = {"type": "data_source_id", "data_source_id": uid(50)}
    return [
        entry(1, "Article 10"),
        entry(2, "Article 2"),
        entry(3, "Article 1"),
        entry(50, "Tasks", {"type": "page_id", "page_id": uid(2)}, "data_source", database=60),
        *(entry(100 + n, f"Task {n}", source) for n in (12, 3, 1)),
        entry(200, "Notes on task 3", {"type": "page_id", "page_id": uid(103)}),
        entry(70, "Empty", {"type": "page_id", "page_id": uid(2)}, "data_source", database=71),
    ]


def test_the_index_lists_titles_in_natural_order() -> None:
    with build_layout(_workspace()) as layout:
        parsed = parse_html(b"".join(render_index(layout, "Acme")).decode())
    assert parsed.errors == []
    # Ordered by name, as before, this was "Article 1, Article 10, Article 2" and
    # "Task 1, Task 12, Task 3".
    assert [line for line in parsed.text.split("\n") if line][2:] == [
        "Article 1",
        "Article 2",
        "Empty",
        "Tasks",
        "3 rows",
        "Task 1",
        "Task 3",
        "Notes on task 3",
        "Task 12",
        "Article 10",
    ]


def test_the_index_folds_a_data_source_rows_into_details_with_their_count() -> None:
    with build_layout(_workspace()) as layout:
        html = b"".join(render_index(layout, "Acme")).decode()
    parsed = parse_html(html)
    assert parsed.errors == []
    links = [link for link in parsed.links() if link != "style.css"]
    assert links == [
        "Article%201%2000000003.html",
        "Article%202%2000000002.html",
        "Article%202%2000000002/Empty%2000000046.html",
        "Article%202%2000000002/Tasks%2000000032.html",
        "Article%202%2000000002/Tasks%2000000032/Task%201%2000000065.html",
        "Article%202%2000000002/Tasks%2000000032/Task%203%2000000067.html",
        "Article%202%2000000002/Tasks%2000000032/Task%203%2000000067/Notes%20on%20task%203%20000000c8.html",
        "Article%202%2000000002/Tasks%2000000032/Task%2012%2000000070.html",
        "Article%2010%2000000001.html",
    ]
    # The rows (and what they contain) sit in one <details>, its summary counting the rows;
    # a data source without rows has none.
    assert html.count("<details") == 1
    assert "<summary>3 rows</summary>" in html
    folded = html.split("<details", 1)[1].split("</details>", 1)[0]
    assert "Task 1<" in folded and "Notes on task 3" in folded and "Tasks<" not in folded
    assert "Article 10" not in folded and "Empty" not in folded


def test_an_empty_index_says_so() -> None:
    with build_layout([]) as layout:
        parsed = parse_html(b"".join(render_index(layout, "Acme")).decode())
    assert parsed.errors == [] and "Nothing was exported." in parsed.text
