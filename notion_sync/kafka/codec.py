"""Avro encoding of every event, in single-object encoding, with old versions still readable.

Single-object encoding (``C3 01`` + 8-byte little-endian CRC-64-AVRO fingerprint of
the writer schema's canonical form + Avro body) lets a reader find the writer
schema without a registry, and lets several event types share one topic. Every
``*.vN.avsc`` in this package is a known writer schema; the highest version of a
record name is the reader schema, so a message written by an older producer is
resolved into the current shape (new fields take their defaults).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import fastavro
import orjson
from fastavro.schema import fingerprint, to_parsing_canonical_form

from notion_sync.core.errors import SchemaError
from notion_sync.core.records import Event, from_record, to_record

__all__ = ["MAGIC", "Codec", "Decoded", "codec", "decode", "encode", "encode_event"]

MAGIC = b"\xc3\x01"
_FILE = re.compile(r"^(?P<stem>[a-z_]+)\.v(?P<version>\d+)\.avsc$")


@dataclass(frozen=True)
class Decoded:
    """A decoded event: its record name (e.g. ``FetchTask``) and its fields."""

    name: str
    record: dict[str, Any]
    version: int

    @property
    def event(self) -> Event:
        """The typed form (:mod:`notion_sync.core.records`) of this record."""
        return from_record(self.name, self.record)


@dataclass(frozen=True)
class _Schema:
    name: str
    version: int
    parsed: Any
    fingerprint: bytes


class Codec:
    """Encodes records with the current schema of their name; decodes any known version."""

    def __init__(self, raw_schemas: dict[str, dict[str, Any]]) -> None:
        by_fp: dict[bytes, _Schema] = {}
        current: dict[str, _Schema] = {}
        for filename, raw in sorted(raw_schemas.items()):
            match = _FILE.match(filename)
            if not match:
                raise SchemaError(f"schema file {filename!r} is not named <event>.v<N>.avsc")
            parsed = fastavro.parse_schema(raw, _write_hint=False)
            canonical = to_parsing_canonical_form(parsed)
            fp = int(fingerprint(canonical, "CRC-64-AVRO"), 16).to_bytes(8, "little")
            schema = _Schema(raw["name"], int(match["version"]), parsed, fp)
            by_fp[fp] = schema
            known = current.get(schema.name)
            if known is None or known.version < schema.version:
                current[schema.name] = schema
        self._by_fingerprint = by_fp
        self._current = current

    @property
    def names(self) -> list[str]:
        return sorted(self._current)

    def encode(self, name: str, record: dict[str, Any]) -> bytes:
        try:
            schema = self._current[name]
        except KeyError:
            raise SchemaError(f"no schema named {name!r}; known: {', '.join(self.names)}") from None
        buf = io.BytesIO()
        buf.write(MAGIC)
        buf.write(schema.fingerprint)
        try:
            fastavro.schemaless_writer(buf, schema.parsed, record, strict_allow_default=True)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise SchemaError(f"{name} does not match its schema: {exc}") from exc
        return buf.getvalue()

    def decode(self, data: bytes | None) -> Decoded:
        if not data or len(data) < 10 or data[:2] != MAGIC:
            raise SchemaError("not an Avro single-object message (missing C3 01 header)")
        writer = self._by_fingerprint.get(bytes(data[2:10]))
        if writer is None:
            raise SchemaError(f"unknown schema fingerprint {bytes(data[2:10]).hex()}")
        reader = self._current[writer.name]
        try:
            record = fastavro.schemaless_reader(io.BytesIO(data[10:]), writer.parsed, reader.parsed)
        except Exception as exc:  # fastavro raises bare Exception subclasses on corrupt bodies
            raise SchemaError(f"{writer.name} v{writer.version} body is corrupt: {exc}") from exc
        if not isinstance(record, dict):
            raise SchemaError(f"{writer.name} decoded to {type(record).__name__}, not a record")
        return Decoded(writer.name, record, writer.version)


def load_packaged_schemas() -> dict[str, dict[str, Any]]:
    """Every ``.avsc`` shipped in this package, by file name."""
    found: dict[str, dict[str, Any]] = {}
    for entry in resources.files("notion_sync.schemas").iterdir():
        if entry.name.endswith(".avsc"):
            found[entry.name] = orjson.loads(entry.read_bytes())
    return found


@cache
def codec() -> Codec:
    """The process-wide codec over the packaged schemas."""
    return Codec(load_packaged_schemas())


def encode(name: str, record: dict[str, Any]) -> bytes:
    return codec().encode(name, record)


def decode(data: bytes | None) -> Decoded:
    return codec().decode(data)


def encode_event(event: Event) -> bytes:
    """A typed event on the wire, under its record name's current schema."""
    return codec().encode(type(event).__name__, to_record(event))
