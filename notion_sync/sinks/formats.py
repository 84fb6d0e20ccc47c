"""The renderer contract and the registry of output formats.

A renderer is a pure function object: ``render(document, context) -> bytes``
(and the same bytes in pieces from ``render_pieces``),
with a ``name`` (what users type), the ``file_extension`` of its files, and the
document ``kinds`` it renders (CSV renders data sources only). Writers (see
:mod:`notion_sync.sinks.export`) own paths and disk; renderers never touch either. A data
source's ``rows`` may be a :class:`~notion_sync.store.documents.StoredRows`, which reads the
store each time it is iterated: renderers iterate rows, never index or count them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from notion_sync.core.config import MarkdownSettings
from notion_sync.core.errors import ConfigError
from notion_sync.sinks.context import RenderContext
from notion_sync.sinks.csv_format import CsvRenderer
from notion_sync.sinks.html import HtmlRenderer
from notion_sync.sinks.json_format import JsonRenderer
from notion_sync.sinks.markdown import MarkdownRenderer
from notion_sync.store.document import Document

__all__ = ["FORMATS", "Renderer", "UnknownFormatError", "get_renderer"]


@runtime_checkable
class Renderer(Protocol):
    """What every output format provides."""

    name: str
    file_extension: str
    kinds: frozenset[str]

    def render(self, doc: Document, ctx: RenderContext) -> bytes:
        """Render one document; must not raise on nulls or unknown types."""
        ...

    def render_pieces(self, doc: Document, ctx: RenderContext) -> Iterator[bytes]:
        """``render`` a piece at a time (joined, the same bytes), so a data source
        whose rows are read from the store is written without its file held."""
        ...


FORMATS: dict[str, Renderer] = {
    r.name: r for r in (JsonRenderer(), MarkdownRenderer(), HtmlRenderer(), CsvRenderer())
}


class UnknownFormatError(ConfigError, ValueError):
    """A format name no renderer answers to (a configuration error, exit code 2)."""


def get_renderer(name: str, *, markdown: MarkdownSettings | None = None) -> Renderer:
    """The renderer for a format name (``json``, ``markdown``, ``html``, ``csv``);
    ``markdown``: the markdown format's settings, if not the defaults."""
    key = name.strip().lower()
    if key not in FORMATS:
        allowed = ", ".join(sorted(FORMATS))
        raise UnknownFormatError(f"unknown format {name!r}; choose one of: {allowed}")
    return MarkdownRenderer(markdown) if key == "markdown" and markdown else FORMATS[key]
