"""Which URLs may become links, and how Notion's own links map back to ids.

A URL from Notion is user content. Only ``http``, ``https`` and ``mailto`` (and
scheme-less relative references) are ever emitted as a link or a source;
anything else (``javascript:``, ``data:``, ``vbscript:``, ``file:``) is kept as
text. The scheme is read the way browsers read it, after dropping the ASCII
whitespace and control characters they ignore (``java\\tscript:`` is still
``javascript:``).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

__all__ = ["SAFE_SCHEMES", "notion_target", "quote_href", "safe_url"]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_NOTION_HOSTS = ("notion.so", "www.notion.so", "notion.site")
_ID_AT_END = re.compile(r"([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})$")


def safe_url(url: object) -> str | None:
    """``url`` stripped, if it is safe to emit as a link target, else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text:
        return None
    probe = _IGNORED_BY_BROWSERS.sub("", text)
    match = _SCHEME.match(probe)
    if match is None:
        # No scheme: relative. A colon before any slash would be read as a scheme
        # by some parsers; such strings are not links.
        head = probe.split("/", 1)[0]
        return None if ":" in head else text
    if match.group(1).lower() not in SAFE_SCHEMES:
        return None
    if _IGNORED_BY_BROWSERS.search(text.split("?", 1)[0].split("#", 1)[0]):
        # Whitespace or controls inside the scheme/host: suspicious; percent-encode.
        text = quote(text, safe=":/?#[]@!$&'()*+,;=%~")
    return text


def notion_target(url: str) -> str | None:
    """The page/database id a Notion-internal link points at, if it is one.

    Notion serves links between pages as ``/<id>`` (relative to notion.so) or as
    full ``https://www.notion.so/<slug>-<id>`` URLs; both end in the 32-hex id.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme and not (host in _NOTION_HOSTS or host.endswith(".notion.site")):
        return None
    if not parts.scheme and (parts.netloc or not parts.path.startswith("/")):
        return None
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    match = _ID_AT_END.search(last)
    return match.group(1).replace("-", "").lower() if match else None


def quote_href(relative: str) -> str:
    """Percent-encode a relative path of the output tree for use as a link."""
    return quote(relative, safe="/-._~!$&'*+,;=:@")
