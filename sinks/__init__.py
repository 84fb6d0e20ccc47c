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

The names below are imported on first use, not with the package: a worker
imports ``sinks.store`` and ``sinks.document`` and has no use for the renderers,
which run in the render child (loading them cost the worker ~1 MB).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FORMATS": "sinks.formats",
    "Layout": "sinks.layout",
    "RenderReport": "sinks.export",
    "Renderer": "sinks.formats",
    "UnknownFormatError": "sinks.formats",
    "build_layout": "sinks.layout",
    "get_renderer": "sinks.formats",
    "render_document": "sinks.export",
    "render_export": "sinks.export",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sinks' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
