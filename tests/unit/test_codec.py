from __future__ import annotations

import io
import json
from importlib import resources

import fastavro
import pytest
from fastavro.schema import fingerprint, to_parsing_canonical_form

from notion_sync.core.errors import SchemaError
from notion_sync.kafka.codec import MAGIC, Codec, codec, decode, encode, load_packaged_schemas


def _request_v1() -> dict[str, object]:
    return {
        "export_id": "e1",
        "requested_at": 1700000000000,
        "token_ref": "default",
        "formats": ["json", "markdown"],
        "out_dir": "/tmp/out",
        "roots": [],
    }


def test_single_object_encoding_header_is_magic_and_crc64_fingerprint() -> None:
    data = encode(
        "ExportRequested", {**_request_v1(), "include_comments": False, "download_external": True}
    )
    raw = json.loads(
        resources.files("notion_sync.schemas").joinpath("export_requested.v2.avsc").read_text()
    )
    parsed = fastavro.parse_schema(raw, _write_hint=False)
    expected = int(fingerprint(to_parsing_canonical_form(parsed), "CRC-64-AVRO"), 16)
    assert data[:2] == MAGIC == b"\xc3\x01"
    assert data[2:10] == expected.to_bytes(8, "little")


def test_every_event_round_trips() -> None:
    record = {"export_id": "e1", "documents": [{"id": "a", "kind": "page"}]}
    decoded = decode(encode("DocumentsScheduled", record))
    assert decoded.name == "DocumentsScheduled"
    assert decoded.record == record


def test_message_written_with_old_schema_is_read_by_current_one() -> None:
    """A v1 producer's request (no include_comments/download_external) still decodes."""
    raw = json.loads(
        resources.files("notion_sync.schemas").joinpath("export_requested.v1.avsc").read_text()
    )
    v1 = fastavro.parse_schema(raw, _write_hint=False)
    fp = int(fingerprint(to_parsing_canonical_form(v1), "CRC-64-AVRO"), 16).to_bytes(8, "little")
    body = io.BytesIO()
    fastavro.schemaless_writer(body, v1, _request_v1())
    decoded = decode(MAGIC + fp + body.getvalue())
    assert decoded.version == 1
    assert decoded.record["formats"] == ["json", "markdown"]
    assert decoded.record["include_comments"] is True
    assert decoded.record["download_external"] is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "missing C3 01"),
        (b'{"json": true}', "missing C3 01"),
        (MAGIC + b"\x00" * 8 + b"\x02", "unknown schema fingerprint"),
    ],
)
def test_poison_bytes_raise_schema_error(data: bytes | None, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        decode(data)


def test_truncated_body_is_a_schema_error() -> None:
    data = encode("RenderRequested", {"export_id": "a-long-export-id"})
    with pytest.raises(SchemaError, match="corrupt"):
        decode(data[:12])


def test_encoding_a_bad_record_names_the_event() -> None:
    with pytest.raises(SchemaError, match="RenderRequested does not match"):
        encode("RenderRequested", {"export_id": 42})
    with pytest.raises(SchemaError, match="no schema named 'Nope'"):
        encode("Nope", {})


def test_schema_files_must_be_versioned() -> None:
    with pytest.raises(SchemaError, match="is not named"):
        Codec({"export.avsc": {"type": "record", "name": "X", "fields": []}})


def test_current_version_is_the_highest() -> None:
    assert "ExportRequested" in codec().names
    assert len(load_packaged_schemas()) > len(codec().names)
