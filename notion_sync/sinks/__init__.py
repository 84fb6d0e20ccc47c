"""Sinks: stored documents → JSON, Markdown, HTML and CSV trees.

Reading order:

1. ``names`` and ``layout``: where every document and file goes, from index entries.
2. ``context`` and ``formats``: the renderer contract and the format registry.
3. Shared pieces: ``urls`` (which links are safe), ``richtext`` (spans), ``properties``
   / ``numbers`` / ``dates`` (values), ``blocks`` / ``pages`` / ``media`` (tree helpers).
4. One module per format: ``json_format``, ``markdown`` (+ ``md_blocks``,
   ``md_inline``, ``frontmatter``), ``html`` (+ ``html_blocks``, ``html_inline``,
   ``property_html``, ``notion.css``), ``csv_format``.
5. ``export``: render a whole store (or one document) into ``out_dir/<format>/``;
   ``render_job``, the child process the worker renders in; ``replay``.

The worker never imports this package: it starts the render child by module name.
"""

from notion_sync.sinks.export import RenderReport, render_document, render_export
from notion_sync.sinks.formats import FORMATS, Renderer, UnknownFormatError, get_renderer
from notion_sync.sinks.layout import Layout, build_layout

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
