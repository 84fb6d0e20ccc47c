"""Sinks: assembled documents on disk → JSON, Markdown, HTML and CSV trees.

Reading order:

1. ``document`` (what a document is) and ``store`` (where documents and blobs live).
2. ``names`` and ``layout``: where every document and file goes, from index entries.
3. ``context`` and ``formats``: the renderer contract and the format registry.
4. Shared pieces: ``urls`` (which links are safe), ``richtext`` (spans), ``properties``
   / ``numbers`` / ``dates`` (values), ``blocks`` / ``pages`` / ``media`` (tree helpers).
5. One module per format: ``json_format``, ``markdown`` (+ ``md_blocks``,
   ``md_inline``, ``frontmatter``), ``html`` (+ ``html_blocks``, ``html_inline``,
   ``property_html``, ``notion.css``), ``csv_format``.
6. ``export``: render a whole store (or one document) into ``out_dir/<format>/``.
"""

from sinks.export import RenderReport, render_document, render_export
from sinks.formats import FORMATS, Renderer, UnknownFormatError, get_renderer
from sinks.layout import Layout, build_layout

__all__ = [
    "FORMATS",
    "Layout",
    "RenderReport",
    "Renderer",
    "UnknownFormatError",
    "build_layout",
    "get_renderer",
    "render_document",
    "render_export",
]
