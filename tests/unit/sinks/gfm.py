"""Markdown as GitHub renders it: cmark-gfm with GitHub's extensions, raw HTML kept
(GitHub keeps the tags our Markdown uses)."""

from __future__ import annotations

import cmarkgfm
from cmarkgfm.cmark import Options


def gfm(markdown: str) -> str:
    return cmarkgfm.markdown_to_html_with_extensions(
        markdown,
        options=Options.CMARK_OPT_UNSAFE,
        extensions=["strikethrough", "table", "autolink"],
    )
