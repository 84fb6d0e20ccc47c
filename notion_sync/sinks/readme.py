"""``README.md`` at the root of every export: what each folder is, and the JSON format's version.

Someone handed an export folder (or a program reading one) should not need our docs to
know which tree to open, what ``.notion-sync/`` is, or which shape of JSON they hold. The
text depends only on the formats rendered, so it is byte-identical across runs, and it
lists only those formats.
"""

from __future__ import annotations

from collections.abc import Collection

from notion_sync.sinks.csv_format import PAGE_COLUMN
from notion_sync.sinks.json_format import FORMAT_VERSION, FORMAT_VERSION_KEY
from notion_sync.sinks.manifest import NOTION_API_VERSION

__all__ = ["README", "export_readme"]

README = "README.md"

_INTRO = """\
# Notion export

A Notion workspace exported by notion-sync. Each format has a folder of its own
holding the whole export, laid out as the workspace is: the file of a page or data
source sits beside a folder of the same name holding what it contains (subpages,
databases, rows, the files it uses). Links between pages are relative, so a folder
can be moved or published as it is.
"""

#: Each format's folder, in the order the table lists them.
_FORMATS = {
    "json": (
        "The documents as Notion's API served them (API version "
        f"{NOTION_API_VERSION}): one `.json` per page and per data source, and `users.json`. "
        f"For programs and archives; JSON format version {FORMAT_VERSION} (below)."
    ),
    "markdown": (
        "GitHub-flavoured Markdown: one `.md` per page, and one per data source with its rows "
        "as a table. Start at `markdown/index.md`. Reads on GitHub, in Obsidian, and in "
        "static site generators."
    ),
    "html": (
        "Standalone web pages: one `.html` per page and per data source. Open "
        "`html/index.html` in a browser, or serve the folder with any web server."
    ),
    "csv": (
        "One `.csv` per data source, as Notion's own CSV export writes it: UTF-8 with a "
        "byte-order mark (Excel needs it) and CRLF line ends. Its last column, "
        f"`{PAGE_COLUMN}`, is notion-sync's: {{pages}}."
    ),
}
_CSV_PAGES = {
    True: (
        "the path from the CSV file to the row's page in `markdown/` (empty when that page is "
        "not in the export)"
    ),
    False: "empty, as this export has no `markdown/` for it to point into",
}
_ALWAYS = {
    "manifest.json": (
        "What was asked for and what came out: the request, counts, and every document "
        "skipped or failed with the reason. The one file that differs between two exports "
        "of an unchanged workspace."
    ),
    ".notion-sync/": (
        "notion-sync's own state: the documents as fetched, the downloaded files (and "
        "the worker's log, under `notion-sync run`). A rerun into this folder reads it to "
        "fetch only what changed, and "
        "`notion-sync replay` renders other formats from it without asking Notion. Not part "
        "of the export: leave it out when you share or publish one."
    ),
}
_FILES = """
Files hosted by Notion (images, attachments, icons, covers) were downloaded while the
export ran, since Notion's links to them expire within an hour, and are copied into
each format's folder beside the page that uses them; links point at the copies.
Folders of formats not listed above were written by earlier exports into this folder:
notion-sync deletes nothing.
"""

_JSON_FORMAT = f"""
## JSON format version {FORMAT_VERSION}

Every `.json` file starts with `"{FORMAT_VERSION_KEY}": {FORMAT_VERSION}`.

- A page's file: `kind` (`"page"`), `id`, `page` (the page object), `blocks` (its
  block tree, each block's children under `"children"`, a key Notion's blocks never
  carry), `comments`, `property_items` (the full values of properties that Notion cuts
  at 25 references, by property id) and `files`.
- A data source's file: `kind` (`"data_source"`), `id`, `data_source`, `database` (the
  database it belongs to: its title, description, icon and data sources), `rows` (its
  row pages), `property_items` (by row id, then property id) and `files`.
- `users.json`: `kind` (`"users"`), `id` and `users`.

Objects are exactly as Notion served them, except that the `url` of each downloaded
Notion-hosted file is the path of its copy, relative to the JSON file (its
`expiry_time` dropped), and `files` maps those paths to each file's `sha256`, `name`,
`size` and `content_type`. The version grows when a key is removed, renamed or
changes meaning; a version may gain keys.
"""


def export_readme(formats: Collection[str]) -> bytes:
    """The README of an export that rendered ``formats`` (in any order)."""
    pages = _CSV_PAGES["markdown" in formats]
    rows = [
        (f"{name}/", text.format(pages=pages) if name == "csv" else text)
        for name, text in _FORMATS.items()
        if name in formats
    ]
    table = "\n".join(
        ["| path | what it holds |", "| --- | --- |"]
        + [f"| `{path}` | {text} |" for path, text in [*rows, *_ALWAYS.items()]]
    )
    text = f"{_INTRO}\n{table}\n{_FILES}"
    if "json" in formats:
        text += _JSON_FORMAT
    return text.encode()
