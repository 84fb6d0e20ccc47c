"""The typed records stay the Avro contract's twins: same fields, order, defaults, symbols."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from notion_sync.core.records import (
    EVENTS,
    DocumentDone,
    DocumentsScheduled,
    ExportCompleted,
    Failure,
    FetchTask,
    Outcome,
    ScheduledDocument,
    TaskKind,
)
from notion_sync.kafka.codec import decode, encode_event, load_packaged_schemas

_NO_DEFAULT = object()


def _current_schemas() -> dict[str, dict[str, Any]]:
    current: dict[str, tuple[int, dict[str, Any]]] = {}
    for filename, schema in load_packaged_schemas().items():
        version = int(filename.rsplit(".v", 1)[1].split(".")[0])
        if schema["name"] not in current or current[schema["name"]][0] < version:
            current[schema["name"]] = (version, schema)
    return {name: schema for name, (_v, schema) in current.items()}


def test_every_schema_has_a_record_and_every_record_a_schema() -> None:
    assert sorted(EVENTS) == sorted(_current_schemas())


@pytest.mark.parametrize("name", sorted(_current_schemas()))
def test_a_record_has_its_schemas_fields_in_order_with_the_same_defaults(name: str) -> None:
    schema = _current_schemas()[name]
    info = msgspec.inspect.type_info(EVENTS[name])
    assert isinstance(info, msgspec.inspect.StructType)
    assert [f.name for f in info.fields] == [f["name"] for f in schema["fields"]]
    for field, avro in zip(info.fields, schema["fields"], strict=True):
        default = field.default if field.default is not msgspec.NODEFAULT else _NO_DEFAULT
        if field.default_factory is not msgspec.NODEFAULT:
            default = field.default_factory()
        assert default == avro.get("default", _NO_DEFAULT), field.name


def test_the_enums_are_the_schemas_symbols() -> None:
    fields = {
        name: {f["name"]: f for f in schema["fields"]}
        for name, schema in _current_schemas().items()
    }
    assert set(map(str, TaskKind)) == set(fields["FetchTask"]["kind"]["type"]["symbols"])
    assert set(map(str, Outcome)) == set(fields["DocumentDone"]["outcome"]["type"]["symbols"])


def test_a_typed_event_round_trips_through_the_wire() -> None:
    events = [
        FetchTask(export_id="e", token_ref="t", kind=TaskKind.PAGE, object_id="p", out_dir="/o"),
        DocumentsScheduled(export_id="e", documents=[ScheduledDocument("p", "page")]),
        DocumentDone(export_id="e", document_id="p", document_kind="page", outcome=Outcome.SKIPPED),
        ExportCompleted(
            export_id="e",
            finished_at=1,
            out_dir="/o",
            pages=1,
            data_sources=0,
            skipped=0,
            failed=1,
            written={"json": 1},
            requests=3,
            rate_limited=0,
            failures=[Failure("p", "gone")],
        ),
    ]
    for event in events:
        assert decode(encode_event(event)).event == event


def test_a_record_missing_a_field_is_refused_by_name() -> None:
    with pytest.raises(msgspec.ValidationError, match="token_ref"):
        msgspec.convert({"export_id": "e", "kind": "page", "out_dir": "/o"}, FetchTask)
