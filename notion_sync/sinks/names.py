"""File and folder names that are safe on Linux, macOS and Windows.

Titles come from Notion users, so a name may hold anything: ``..``, slashes,
``CON``, control characters, 300 emoji. Every name the layout writes goes
through :func:`safe_component`, which guarantees a single path component that
all three systems accept and that cannot climb out of its folder. Collisions
are the layout's job (it compares names case-folded, as macOS and Windows do).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "MAX_NAME_BYTES",
    "UNTITLED",
    "casefold_key",
    "natural_key",
    "norm_id",
    "safe_component",
    "short_id",
]

UNTITLED = "Untitled"

#: Cap on the title part of a name, in UTF-8 bytes. NAME_MAX is 255 bytes on Linux
#: and macOS and 255 UTF-16 units on Windows; a UTF-8 byte count bounds both. We
#: stay far below to leave room for `` <32 hex>.html`` and for deep trees under
#: Windows' 260-character path limit.
MAX_NAME_BYTES = 80

_FORBIDDEN = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$", re.I)
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_DIGITS = re.compile(r"\d+")


def norm_id(notion_id: str) -> str:
    """Notion ids appear with and without dashes and in either case: compare them as 32 hex."""
    return notion_id.replace("-", "").strip().lower()


def short_id(notion_id: str) -> str:
    """A stable 8-hex suffix for a document name.

    The *last* 8 hex digits, not the first: recent Notion ids are time-ordered at
    the front (pages created together share a prefix), while the tail is random.
    """
    hexid = norm_id(notion_id)
    if not _HEX32.match(hexid):  # not a UUID (tests, odd ids): keep something stable
        hexid = "".join(c for c in hexid if c.isalnum()) or "0"
    return hexid[-8:]


def _truncate_utf8(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes without splitting a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    cut = encoded[:limit].decode("utf-8", errors="ignore")
    # Do not leave a dangling combining mark or joiner at the end.
    while cut and (unicodedata.combining(cut[-1]) or cut[-1] in "\u200d\ufe0f"):
        cut = cut[:-1]
    return cut


def safe_component(
    title: str | None, *, limit: int = MAX_NAME_BYTES, fallback: str = UNTITLED
) -> str:
    """Turn any title into one path component safe on every desktop OS.

    Forbidden characters and controls become spaces (``a/b`` → ``a b``), runs of
    whitespace collapse, leading and trailing dots and spaces go (Windows drops
    them, and a name made only of dots means "this folder" or "the parent"),
    reserved device names get a trailing underscore, and the result is capped in
    UTF-8 bytes. An empty result becomes ``fallback``.
    """
    text = unicodedata.normalize("NFC", title or "")
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") and c not in "\u200d" else c
        for c in text
    )
    text = _FORBIDDEN.sub(" ", text)
    text = _SPACES.sub(" ", text).strip(" .")
    text = _truncate_utf8(text, limit).strip(" .")
    if not text:
        text = fallback
    stem = text.split(".", 1)[0].strip(" ")
    if _RESERVED.match(stem):
        text = stem + "_" + text[len(stem) :]
    return text


def casefold_key(name: str) -> str:
    """How macOS and Windows compare names: case-insensitive, normalisation-insensitive."""
    return unicodedata.normalize("NFC", name).casefold()


def _number(digits: str) -> str:
    """A run of decimal digits (any script) as text that sorts by value: ``"0"``, then the
    width of the digit count, the digit count and the digits, leading zeros dropped."""
    if not digits.isascii():
        digits = "".join(str(unicodedata.decimal(c)) for c in digits)
    value = digits.lstrip("0") or "0"
    count = str(len(value))
    return f"0{len(count)}{count}{value}"


def natural_key(text: str) -> str:
    """The key people expect a list of titles in: "Article 2" before "Article 10".

    Case, accents and compatibility forms (full-width digits, ligatures) are
    ignored, and every run of digits compares by its value; it is a plain string,
    so SQLite orders it byte by byte, the same on every machine and in every
    locale. Titles that differ only in what it ignores share a key: break the tie
    with :func:`casefold_key` and then the id.
    """
    if not text.isascii():  # ASCII has no compatibility forms and no accents to drop
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = text.casefold()
    # Only digit runs produce "0" (every ASCII digit is in one), so numbers compare
    # with numbers, and with other text where a digit would.
    return _DIGITS.sub(lambda m: _number(m.group()), folded)
