"""Rich-text spans as GitHub-flavoured Markdown.

Plain text is escaped so Notion text never turns into Markdown syntax by
accident (``*``, ``_``, ``[``, ``<``, ``|``, ``$``…; list and heading markers at
the start of a line). Annotations become ``**``/``_``/``~~``/backticks with the
surrounding spaces kept outside the markers (``** a**`` is not bold in
CommonMark); underline and colours use the inline HTML GitHub allows.
"""

from __future__ import annotations

import html
import re

from notion_sync.sinks.richtext import Span

__all__ = ["escape_md", "md_link_target", "render_spans_md"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$&])")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def escape_md(text: str, *, line_start: bool = True) -> str:
    """Escape Markdown syntax in plain text, including markers at the start of lines."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    lines = escaped.split("\n")
    for i, line in enumerate(lines):
        if i > 0 or line_start:
            lines[i] = _LINE_START.sub(_escape_marker, line)
    return "\n".join(lines)


def _escape_marker(match: re.Match[str]) -> str:
    lead, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return f"{lead}{marker[:-1]}\\{marker[-1]}"
    return f"{lead}\\{marker}"


def md_link_target(href: str) -> str:
    """A link destination CommonMark accepts whatever the URL contains."""
    return re.sub(r"[\s()<>\\]", lambda m: f"%{ord(m.group()):02X}", href)


def _code(text: str) -> str:
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _styled(span: Span, inner: str) -> str:
    """Wrap already-escaped ``inner`` in the span's annotations."""
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    core = inner.strip()
    if not core:
        return inner
    if span.bold:
        core = f"**{core}**"
    if span.italic:  # "*", not "_": underscores do not emphasise inside words
        core = f"*{core}*"
    if span.strikethrough:
        core = f"~~{core}~~"
    if span.underline:
        core = f"<u>{core}</u>"
    if span.color.endswith("_background"):
        core = f'<mark class="highlight-{span.color[:-11]}">{core}</mark>'
    elif span.color != "default":
        core = f'<span style="color: {span.color}">{core}</span>'
    return f"{lead}{core}{trail}"


def render_spans_md(spans: list[Span], *, newline: str = "\\\n", line_start: bool = True) -> str:
    """Spans as inline Markdown; a line break inside a block becomes ``newline``.

    :param newline: what a ``\\n`` in the text becomes: a hard break (default),
        ``<br>`` inside table cells, a space where breaks are impossible.
    :param line_start: whether the text begins a line (so list/heading markers
        at its start must be escaped).
    """
    out: list[str] = []
    at_start = line_start
    for span in spans:
        if span.kind == "equation":
            body = f"${span.text.strip()}$" if span.text.strip() else ""
        elif span.code:
            body = _code(span.text.replace("\n", " "))
        else:
            body = escape_md(span.text, line_start=at_start).replace("\n", newline)
        body = _styled(span, body) if span.kind != "equation" else body
        if span.href is not None and body.strip():
            lead = body[: len(body) - len(body.lstrip())]
            trail = body[len(body.rstrip()) :]
            body = f"{lead}[{body.strip()}]({md_link_target(span.href)}){trail}"
        out.append(body)
        at_start = span.text.endswith("\n")
    result = "".join(out)
    while newline and result.endswith(newline):
        result = result[: -len(newline)]
    return result


def html_attr(text: str) -> str:
    """Escape for an HTML attribute inside Markdown (summary/details markup)."""
    return html.escape(text, quote=True)
