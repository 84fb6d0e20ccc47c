"""One number formatter: a row's numbers read the same in every table, CSV and row page.

Expected texts are written by hand from what Notion's web app shows (en-US
``Intl.NumberFormat``); the format names are those of Notion's API reference.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from notion_sync.sinks.export import render_export
from notion_sync.sinks.numbers import format_number
from notion_sync.store.documents import DocumentStore
from notion_sync.store.files import FileStore
from tests.unit.sinks.builders import ROW_ID, SOURCE_ID, doc_of, page, source_doc

JSON = dict[str, Any]

#: Every ``number.format`` of Notion's API reference (2025-09-03).
API_FORMATS = [
    "number",
    "number_with_commas",
    "percent",
    "dollar",
    "australian_dollar",
    "canadian_dollar",
    "singapore_dollar",
    "euro",
    "pound",
    "yen",
    "ruble",
    "rupee",
    "won",
    "yuan",
    "real",
    "lira",
    "rupiah",
    "franc",
    "hong_kong_dollar",
    "new_zealand_dollar",
    "krona",
    "norwegian_krone",
    "mexican_peso",
    "rand",
    "new_taiwan_dollar",
    "danish_krone",
    "zloty",
    "baht",
    "forint",
    "koruna",
    "shekel",
    "chilean_peso",
    "philippine_peso",
    "dirham",
    "colombian_peso",
    "riyal",
    "ringgit",
    "leu",
    "argentine_peso",
    "uruguayan_peso",
    "peruvian_sol",
]


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (1, "dollar", "$1.00"),
        (12, "euro", "€12.00"),
        (1234.5, "dollar", "$1,234.50"),
        (-1234.5, "pound", "-£1,234.50"),
        (1234.5, "yen", "¥1,235"),  # no decimals, rounded half away from zero
        (0.125, "dollar", "$0.13"),
        (2.675, "dollar", "$2.68"),  # the number as written, not its binary neighbour
        (1234.5, "australian_dollar", "A$1,234.50"),
        (1234.5, "peruvian_sol", "PEN 1,234.50"),
        (1234567.25, "number_with_commas", "1,234,567.25"),
        (-1234, "number_with_commas", "-1,234"),
        (1e22, "number_with_commas", "1e+22"),
        (0.125, "percent", "12.5%"),
        (0.07, "percent", "7%"),
        (2.0, "number", "2"),
        (2.5, None, "2.5"),
        (7, "a_format_from_next_year", "7"),
        (float("nan"), "dollar", ""),
    ],
)
def test_format_number(value: float, fmt: str | None, shown: str) -> None:
    assert format_number(value, fmt) == shown


def test_every_format_of_the_api_reference_is_known() -> None:
    plain = format_number(1234.5, None)
    unknown = [f for f in API_FORMATS if f != "number" and format_number(1234.5, f) == plain]
    assert unknown == []


SCHEMA: JSON = {
    "Name": {"id": "title", "name": "Name", "type": "title", "title": {}},
    "Budget": {"id": "b%3A", "name": "Budget", "type": "number", "number": {"format": "dollar"}},
    "Rate": {"id": "r", "name": "Rate", "type": "number", "number": {"format": "euro"}},
    "Share": {"id": "s", "name": "Share", "type": "number", "number": {"format": "percent"}},
    "Big": {"id": "g", "name": "Big", "type": "number", "number": {"format": "number_with_commas"}},
    "Plain": {"id": "p", "name": "Plain", "type": "number", "number": {"format": "number"}},
    "Score": {"id": "f", "name": "Score", "type": "formula", "formula": {"expression": "1"}},
    "Done": {
        "id": "d",
        "name": "Done",
        "type": "rollup",
        "rollup": {"function": "percent_checked"},
    },
    "Count": {"id": "c", "name": "Count", "type": "rollup", "rollup": {"function": "count"}},
}
VALUES: JSON = {
    "Budget": {"id": "b%3A", "type": "number", "number": 1},
    "Rate": {"id": "r", "type": "number", "number": 12},
    "Share": {"id": "s", "type": "number", "number": 0.125},
    "Big": {"id": "g", "type": "number", "number": 1234567.5},
    "Plain": {"id": "p", "type": "number", "number": 3},
    "Score": {"id": "f", "type": "formula", "formula": {"type": "number", "number": 2.5}},
    "Done": {
        "id": "d",
        "type": "rollup",
        "rollup": {"type": "number", "number": 0.5, "function": "percent_checked"},
    },
    "Count": {
        "id": "c",
        "type": "rollup",
        "rollup": {"type": "number", "number": 4, "function": "count"},
    },
}
SHOWN = {
    "Budget": "$1.00",
    "Rate": "€12.00",
    "Share": "12.5%",
    "Big": "1,234,567.5",
    "Plain": "3",
    "Score": "2.5",
    "Done": "50%",
    "Count": "4",
}


class _Tables(HTMLParser):
    """The text of every table row's cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def html_rows(path: Path) -> list[list[str]]:
    reader = _Tables()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader.rows


def md_unescape(cell: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", cell.strip())


def _export(store: DocumentStore, files: FileStore, out: Path) -> None:
    row = page(
        ROW_ID,
        title="Row 1",
        parent={"type": "data_source_id", "data_source_id": SOURCE_ID},
        properties=VALUES,
    )
    store.put(source_doc(SCHEMA, [row]))
    store.put(doc_of(row))
    report = render_export(store, files, ["markdown", "html", "csv"], out)
    assert report.problems == {}


def test_a_row_numbers_read_the_same_in_tables_csv_and_its_row_page(
    stores: tuple[DocumentStore, FileStore], tmp_path: Path
) -> None:
    store, files = stores
    out = tmp_path / "out"
    _export(store, files, out)
    names = list(SHOWN)

    with (out / "csv" / "Tasks 9c9c9c9c.csv").open(encoding="utf-8-sig", newline="") as fh:
        csv_row = next(csv.DictReader(fh))
    assert {n: csv_row[n] for n in names} == SHOWN

    md_lines = (out / "markdown" / "Tasks 9c9c9c9c.md").read_text(encoding="utf-8").splitlines()
    table = [line for line in md_lines if line.startswith("|")]
    heads = [md_unescape(c) for c in table[0].strip("|").split(" | ")]
    cells = [md_unescape(c) for c in table[2].strip("|").split(" | ")]
    md_table = dict(zip(heads, cells, strict=False))
    assert {n: md_table[n] for n in names} == SHOWN

    html_table = html_rows(out / "html" / "Tasks 9c9c9c9c.html")
    html_cells = dict(zip(html_table[0], html_table[1], strict=False))
    assert {n: html_cells[n] for n in names} == SHOWN

    row_html = out / "html" / "Tasks 9c9c9c9c" / "Row 1 1e1e1e1e.html"
    row_page = {r[0]: r[1] for r in html_rows(row_html) if len(r) == 2}
    assert {n: row_page[n] for n in names} == SHOWN

    text = (out / "markdown" / "Tasks 9c9c9c9c" / "Row 1 1e1e1e1e.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    props = meta.get("properties", meta)  # nested or flat front matter
    # Numbers Notion shows formatted are that text; those it shows plain stay numbers.
    assert {n: str(props[n]) for n in names} == SHOWN
    assert isinstance(props["Plain"], int) and isinstance(props["Count"], int)


class _CountingStore(DocumentStore):
    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.opened: list[str] = []

    def open(self, doc_id: str) -> Any:
        self.opened.append(doc_id)
        return super().open(doc_id)


def test_a_data_source_schema_is_read_once_for_all_its_rows(tmp_path: Path) -> None:
    store = _CountingStore(tmp_path / "state")
    rows = [
        page(
            f"{n:08x}-0000-4000-8000-000000000000",
            title=f"Row {n}",
            parent={"type": "data_source_id", "data_source_id": SOURCE_ID},
            properties={"Budget": VALUES["Budget"]},
        )
        for n in range(1, 21)
    ]
    store.put(source_doc({"Name": SCHEMA["Name"], "Budget": SCHEMA["Budget"]}, rows))
    for row in rows:
        store.put({"kind": "page", "id": row["id"], "page": row, "blocks": [], "files": {}})
    out = tmp_path / "out"
    report = render_export(store, FileStore(tmp_path / "state"), ["html"], out)
    assert report.problems == {} and report.written == {"html": 21}
    # Once to render the data source, once for its rows' number formats.
    assert store.opened.count(SOURCE_ID) == 2
    row_pages = list((out / "html" / "Tasks 9c9c9c9c").glob("Row *.html"))
    assert len(row_pages) == 20
    for html in row_pages:
        assert dict(r for r in html_rows(html) if len(r) == 2)["Budget"] == "$1.00", html
