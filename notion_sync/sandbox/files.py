"""Notion-hosted files: references inside generated content, signed expiring URLs, bytes.

Generated objects hold a :class:`FileRef` where Notion would put
``{"url": ..., "expiry_time": ...}``; the URL is signed only when a response is rendered,
so every response carries a URL that expires ``file_url_ttl`` seconds after it, exactly like
Notion's S3 links. The sandbox serves the bytes itself at ``/__files/{file_id}/{name}``.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import zlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

__all__ = ["FileRef", "FileSigner", "file_bytes", "iso", "s3_error_xml"]


def iso(ts: float) -> str:
    """Format Unix seconds the way Notion does: ``2024-01-01T00:00:00.000Z``."""
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


class FileRef:
    """A placeholder for a Notion-hosted file object's ``{"url", "expiry_time"}``.

    Deliberately not a dataclass: orjson serialises dataclasses itself, and we need its
    ``default`` hook to sign the URL at render time.
    """

    __slots__ = ("file_id", "name")

    def __init__(self, file_id: str, name: str) -> None:
        self.file_id = file_id
        self.name = name

    def __repr__(self) -> str:
        return f"FileRef({self.file_id!r}, {self.name!r})"


class FileSigner:
    """Signs and verifies file URLs with an HMAC over id, name and expiry.

    :param secret: the signing key (derived from the seed, so URLs are reproducible).
    :param ttl: seconds a URL stays valid after the response that carried it.
    """

    def __init__(self, secret: bytes, ttl: float) -> None:
        self._secret = secret
        self.ttl = ttl

    def signature(self, file_id: str, name: str, expires: int) -> str:
        """The hex HMAC-SHA256 of one URL."""
        msg = f"{file_id}/{name}/{expires}".encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()[:32]

    def render(self, ref: FileRef, base_url: str, now: float) -> dict[str, Any]:
        """The ``file`` object body for ``ref`` as of ``now``."""
        expires = int(now + self.ttl)
        sig = self.signature(ref.file_id, ref.name, expires)
        url = f"{base_url}/__files/{ref.file_id}/{quote(ref.name)}?expires={expires}&sig={sig}"
        return {"url": url, "expiry_time": iso(expires)}

    def verify(self, file_id: str, name: str, expires: int, sig: str) -> bool:
        """Whether ``sig`` is the signature of that URL (expiry is checked separately)."""
        return hmac.compare_digest(self.signature(file_id, name, expires), sig)


def _png(rng: random.Random) -> bytes:
    """A valid 8x8 RGB PNG with deterministic pixels."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    raw = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(24)) for _ in range(8))
    ihdr = (8).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _pdf(text: str) -> bytes:
    """A minimal one-page PDF."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def file_bytes(file_id: str, name: str) -> tuple[bytes, str]:
    """The deterministic content and MIME type of a hosted file."""
    rng = random.Random(f"file:{file_id}")
    lower = name.lower()
    if lower.endswith(".png"):
        return _png(rng), "image/png"
    if lower.endswith(".pdf"):
        return _pdf(file_id), "application/pdf"
    if lower.endswith((".txt", ".md", ".csv")):
        lines = [f"line {i} of {file_id}" for i in range(rng.randint(3, 30))]
        return ("\n".join(lines) + "\n").encode(), "text/plain; charset=utf-8"
    mime = {".mp3": "audio/mpeg", ".mp4": "video/mp4", ".zip": "application/zip"}.get(
        lower[lower.rfind(".") :], "application/octet-stream"
    )
    return rng.randbytes(rng.randint(512, 4096)), mime


def s3_error_xml(code: str, message: str, request_id: str, extra: str = "") -> bytes:
    """An S3-style XML error document, as an expired Notion file link returns."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message}</Message>{extra}<RequestId>{request_id}</RequestId>"
        f"<HostId>{request_id}{request_id}</HostId></Error>"
    ).encode()
