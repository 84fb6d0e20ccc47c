"""Every property type, in CSV (parsed back with csv.DictReader) and in front matter (YAML).

Expected values are written by hand: the CSV text Notion's export shows, and the
typed values the front matter promises (numbers, booleans, ISO dates, lists).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import yaml

from notion_sync.core.config import MarkdownSettings
from notion_sync.sinks.csv_format import PAGE_COLUMN, CsvRenderer
from notion_sync.sinks.markdown import MarkdownRenderer
from tests.unit.sinks.builders import (
    OTHER_ID,
    ROW_ID,
    SOURCE_ID,
    doc_of,
    make_ctx,
    mention,
    page,
    page_doc,
    rt,
    source_doc,
)

JSON = dict[str, Any]
#: The properties under one key, to compare; the title also a heading, to read.
NESTED = MarkdownSettings(front_matter="nested", title_heading=True)
ADA = {"object": "user", "id": "u-ada", "name": "Ada Lovelace"}
BOB = {"object": "user", "id": "u-bob"}  # name only in the users document

SCHEMA: JSON = {
    "Tags": {"id": "t", "type": "multi_select", "multi_select": {"options": []}},
    "Price": {"id": "p", "type": "number", "number": {"format": "dollar"}},
    "Name": {"id": "title", "type": "title", "title": {}},
    "Share": {"id": "s", "type": "number", "number": {"format": "percent"}},
    "Count": {"id": "c", "type": "number", "number": {"format": "number_with_commas"}},
    "Notes": {"id": "n", "type": "rich_text", "rich_text": {}},
    "Stage": {"id": "st", "type": "status", "status": {}},
    "Kind": {"id": "k", "type": "select", "select": {}},
    "When": {"id": "w", "type": "date", "date": {}},
    "Span": {"id": "sp", "type": "date", "date": {}},
    "Owners": {"id": "o", "type": "people", "people": {}},
    "Attachments": {"id": "f", "type": "files", "files": {}},
    "Done": {"id": "d", "type": "checkbox", "checkbox": {}},
    "Site": {"id": "u", "type": "url", "url": {}},
    "Mail": {"id": "e", "type": "email", "email": {}},
    "Phone": {"id": "ph", "type": "phone_number", "phone_number": {}},
    "F str": {"id": "f1", "type": "formula", "formula": {}},
    "F num": {"id": "f2", "type": "formula", "formula": {}},
    "F bool": {"id": "f3", "type": "formula", "formula": {}},
    "F date": {"id": "f4", "type": "formula", "formula": {}},
    "Related": {"id": "r", "type": "relation", "relation": {}},
    "R num": {"id": "r1", "type": "rollup", "rollup": {}},
    "R date": {"id": "r2", "type": "rollup", "rollup": {}},
    "R array": {"id": "r3", "type": "rollup", "rollup": {}},
    "ID": {"id": "i", "type": "unique_id", "unique_id": {}},
    "Created": {"id": "ct", "type": "created_time", "created_time": {}},
    "Creator": {"id": "cb", "type": "created_by", "created_by": {}},
    "Edited": {"id": "et", "type": "last_edited_time", "last_edited_time": {}},
    "Editor": {"id": "eb", "type": "last_edited_by", "last_edited_by": {}},
    "Press": {"id": "b", "type": "button", "button": {}},
    "Where": {"id": "pl", "type": "place", "place": {}},
    "Verified": {"id": "v", "type": "verification", "verification": {}},
    "Future": {"id": "x", "type": "hologram", "hologram": {}},
}

VALUES: JSON = {
    "Name": {"type": "title", "title": [rt('Write, "quote"\nnewline')]},
    "Tags": {
        "type": "multi_select",
        "multi_select": [{"name": "a", "color": "red"}, {"name": "b, c", "color": "blue"}],
    },
    "Price": {"type": "number", "number": 1234.5},
    "Share": {"type": "number", "number": 0.125},
    "Count": {"type": "number", "number": 1234567},
    "Notes": {"type": "rich_text", "rich_text": [rt("plain "), rt("bold", bold=True)]},
    "Stage": {"type": "status", "status": {"name": "In progress", "color": "blue"}},
    "Kind": {"type": "select", "select": None},
    "When": {
        "type": "date",
        "date": {
            "start": "2024-01-05T15:00:00.000-05:00",
            "end": None,
            "time_zone": "America/New_York",
        },
    },
    "Span": {
        "type": "date",
        "date": {"start": "2024-01-05", "end": "2024-01-07", "time_zone": None},
    },
    "Owners": {"type": "people", "people": [ADA, BOB]},
    "Attachments": {
        "type": "files",
        "files": [
            {
                "name": "report.pdf",
                "type": "file",
                "file": {"url": "https://s3/r.pdf?sig=x", "expiry_time": "2024-01-01T00:00:00Z"},
            },
            {"name": "ext.pdf", "type": "external", "external": {"url": "https://ex.com/ext.pdf"}},
        ],
    },
    "Done": {"type": "checkbox", "checkbox": True},
    "Site": {"type": "url", "url": "https://example.com"},
    "Mail": {"type": "email", "email": "a@b.c"},
    "Phone": {"type": "phone_number", "phone_number": "+1 555"},
    "F str": {"type": "formula", "formula": {"type": "string", "string": "s"}},
    "F num": {"type": "formula", "formula": {"type": "number", "number": 2.0}},
    "F bool": {"type": "formula", "formula": {"type": "boolean", "boolean": False}},
    "F date": {"type": "formula", "formula": {"type": "date", "date": {"start": "2024-02-29"}}},
    "Related": {
        "type": "relation",
        "relation": [{"id": OTHER_ID}, {"id": "missing-id"}],
        "has_more": False,
    },
    "R num": {"type": "rollup", "rollup": {"type": "number", "number": 7, "function": "sum"}},
    "R date": {
        "type": "rollup",
        "rollup": {"type": "date", "date": {"start": "2024-03-01"}, "function": "latest_date"},
    },
    "R array": {
        "type": "rollup",
        "rollup": {
            "type": "array",
            "function": "show_original",
            "array": [{"type": "title", "title": [rt("x")]}, {"type": "people", "people": [ADA]}],
        },
    },
    "ID": {"type": "unique_id", "unique_id": {"prefix": "TASK", "number": 42}},
    "Created": {"type": "created_time", "created_time": "2024-03-01T09:30:00.000Z"},
    "Creator": {"type": "created_by", "created_by": ADA},
    "Edited": {"type": "last_edited_time", "last_edited_time": "2024-03-02T00:05:00.000Z"},
    "Editor": {"type": "last_edited_by", "last_edited_by": BOB},
    "Press": {"type": "button", "button": {}},
    "Where": {
        "type": "place",
        "place": {"lat": 1.5, "lon": 2.5, "name": None, "address": "1 Main St"},
    },
    "Verified": {
        "type": "verification",
        "verification": {"state": "verified", "verified_by": ADA, "date": None},
    },
    "Future": {"type": "hologram", "hologram": {"name": "shiny"}},
}

CSV_EXPECTED = {
    "Name": 'Write, "quote"\nnewline',
    "Tags": "a, b, c",
    "Price": "$1,234.50",
    "Share": "12.5%",
    "Count": "1,234,567",
    "Notes": "plain bold",
    "Stage": "In progress",
    "Kind": "",
    "When": "January 5, 2024 3:00 PM (America/New_York)",
    "Span": "January 5, 2024 → January 7, 2024",
    "Owners": "Ada Lovelace, Bob",
    "Attachments": "report.pdf, https://ex.com/ext.pdf",
    "Done": "Yes",
    "Site": "https://example.com",
    "Mail": "a@b.c",
    "Phone": "+1 555",
    "F str": "s",
    "F num": "2",
    "F bool": "No",
    "F date": "February 29, 2024",
    "Related": "Other, https://www.notion.so/missingid",
    "R num": "7",
    "R date": "March 1, 2024",
    "R array": "x, Ada Lovelace",
    "ID": "TASK-42",
    "Created": "March 1, 2024 9:30 AM",
    "Creator": "Ada Lovelace",
    "Edited": "March 2, 2024 12:05 AM",
    "Editor": "Bob",
    "Press": "",
    "Where": "1 Main St",
    "Verified": "Verified by Ada Lovelace",
    "Future": "shiny",
}


def _props() -> JSON:
    return {name: {"id": SCHEMA[name]["id"], **value} for name, value in VALUES.items()}


def _docs() -> tuple[JSON, JSON, JSON]:
    row = page(
        ROW_ID,
        title="",
        parent={"type": "data_source_id", "data_source_id": SOURCE_ID},
        properties=_props(),
    )
    del row["properties"]["title"]
    source = source_doc(
        SCHEMA,
        [
            row,
            page(
                "row-2",
                title="Empty row",
                parent={"type": "data_source_id", "data_source_id": SOURCE_ID},
            ),
        ],
    )
    other = page_doc(page_id=OTHER_ID, title="Other")
    row_doc = doc_of(row)
    return source, other, row_doc


def test_csv_has_title_first_then_schema_order_and_notion_values() -> None:
    source, other, row_doc = _docs()
    ctx = make_ctx([source, other, row_doc], source, ".csv", users={"u-bob": "Bob"})
    data = CsvRenderer().render(source, ctx)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert reader.fieldnames == ["Name", *[n for n in SCHEMA if n != "Name"], PAGE_COLUMN]
    rows = list(reader)
    assert len(rows) == 2
    assert rows[0] == {**CSV_EXPECTED, PAGE_COLUMN: ""}  # no Markdown rendered beside it
    assert rows[1]["Name"] == "Empty row" and rows[1]["Done"] == ""
    assert ctx.stats == {"property:hologram": 1}


def test_front_matter_has_typed_values_and_parses_as_yaml() -> None:
    source, other, row_doc = _docs()
    ctx = make_ctx([source, other, row_doc], row_doc, users={"u-bob": "Bob"})
    text = MarkdownRenderer(NESTED).render(row_doc, ctx).decode()
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["id"] == ROW_ID
    assert meta["title"] == 'Write, "quote"\nnewline'
    assert meta["created_time"] == "2024-03-01T09:30:00.000Z"
    assert meta["url"].startswith("https://www.notion.so/")
    assert meta["properties"] == {
        "Tags": ["a", "b, c"],
        "Price": 1234.5,
        "Share": 0.125,
        "Count": 1234567,
        "Notes": "plain bold",
        "Stage": "In progress",
        "Kind": None,
        "When": "2024-01-05T15:00:00.000-05:00",
        "Span": "2024-01-05/2024-01-07",
        "Owners": ["Ada Lovelace", "Bob"],
        "Attachments": ["report.pdf", "https://ex.com/ext.pdf"],
        "Done": True,
        "Site": "https://example.com",
        "Mail": "a@b.c",
        "Phone": "+1 555",
        "F str": "s",
        "F num": 2.0,
        "F bool": False,
        "F date": "2024-02-29",
        "Related": ["Other", "https://www.notion.so/missingid"],
        "R num": 7,
        "R date": "2024-03-01",
        "R array": ["x", "Ada Lovelace"],
        "ID": "TASK-42",
        "Created": "2024-03-01T09:30:00.000Z",
        "Creator": "Ada Lovelace",
        "Edited": "2024-03-02T00:05:00.000Z",
        "Editor": "Bob",
        "Press": None,
        "Where": "1 Main St",
        "Verified": "Verified by Ada Lovelace",
        "Future": "shiny",
    }
    # The title is the heading, with Markdown escaped and its newline flattened.
    assert '\n# Write, "quote" newline\n' in text


def test_truncated_relations_and_people_come_from_property_items() -> None:
    related = [{"id": f"{i:08x}-0000-4000-8000-000000000000"} for i in range(25)]
    row = page(
        ROW_ID,
        title="R",
        properties={
            "Rel": {"id": "rel", "type": "relation", "relation": related, "has_more": True},
            "Who": {"id": "who", "type": "people", "people": [ADA]},
        },
    )
    doc = page_doc(page_id=ROW_ID, title="R")
    doc["page"] = row
    doc["property_items"] = {
        "rel": [
            {
                "object": "property_item",
                "type": "relation",
                "relation": {"id": f"{i:08x}-0000-4000-8000-000000000000"},
            }
            for i in range(30)
        ],
        "who": {
            "object": "list",
            "results": [
                {"object": "property_item", "type": "people", "people": ADA},
                {"object": "property_item", "type": "people", "people": BOB},
            ],
        },
    }
    ctx = make_ctx([doc], doc, users={"u-bob": "Bob"})
    meta = yaml.safe_load(MarkdownRenderer(NESTED).render(doc, ctx).decode().split("---\n")[1])
    assert len(meta["properties"]["Rel"]) == 30
    assert meta["properties"]["Who"] == ["Ada Lovelace", "Bob"]


def test_rich_text_mentions_in_property_values() -> None:
    value = {
        "type": "rich_text",
        "rich_text": [rt("see "), mention({"type": "user", "user": {"id": "u-bob"}}, "@Bob")],
    }
    source = source_doc(
        {"Name": SCHEMA["Name"], "Notes": SCHEMA["Notes"]},
        [page(ROW_ID, title="r", properties={"Notes": {"id": "n", **value}})],
    )
    ctx = make_ctx([source], source, ".csv")
    rows = list(csv.DictReader(io.StringIO(CsvRenderer().render(source, ctx).decode("utf-8-sig"))))
    assert rows == [{"Name": "r", "Notes": "see @Bob", PAGE_COLUMN: ""}]


def test_hostile_yaml_and_nulls() -> None:
    doc = page_doc(
        title="---\nkey: value # \x85\x7f",
        properties={
            "x: y": {"id": "a", "type": "rich_text", "rich_text": [rt("- [a]")]},
            "Broken": {"id": "b", "type": None},
            "Null": None,
            "Num": {"id": "c", "type": "number", "number": None},
            "Roll": {
                "id": "d",
                "type": "rollup",
                "rollup": {"type": "incomplete", "incomplete": {}},
            },
            "Form": {"id": "e", "type": "formula", "formula": None},
        },
    )
    ctx = make_ctx([doc], doc)
    text = MarkdownRenderer(NESTED).render(doc, ctx).decode()
    meta = yaml.safe_load(text.split("\n---\n")[0][4:])
    assert meta["title"] == "---\nkey: value # \x85\x7f"
    assert meta["properties"] == {
        "x: y": "- [a]",
        "Broken": None,
        "Num": None,
        "Roll": None,
        "Form": None,
    }
