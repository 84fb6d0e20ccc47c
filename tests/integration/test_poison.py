"""Issue 6: a poison message on any topic is dead-lettered once, with the reason, and the
worker goes on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from confluent_kafka import Producer

from notion_sync.core.records import ExportRequested, TaskKind, to_record
from notion_sync.core.request import build_request
from notion_sync.kafka.codec import encode
from notion_sync.streams.tasks import fetch_task
from tests.fixtures.pipeline import PipelineFactory
from tests.fixtures.trees import wait_for


def test_poison_on_every_topic_is_dead_lettered_once_and_the_worker_goes_on(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=10)
    names = pipeline.names
    pipeline.start_worker()
    first = pipeline.wait(pipeline.request(tmp_path / "a", formats=("json",)))
    assert first.state == "completed", first

    request = build_request(formats=["json"], out_dir=tmp_path / "poison", token_ref="sandbox")
    typed = msgspec.convert(request, ExportRequested)
    task = to_record(fetch_task(typed, TaskKind.PAGE, "00000000-0000-0000-0000-000000000000"))
    wrong_type: dict[str, tuple[str, dict[str, Any]]] = {
        names.requests: ("FetchTask", task),
        names.fetch: ("ExportRequested", request),
        names.entities: ("ExportRequested", request),
        names.events: ("FetchTask", task),
    }
    producer = Producer({"bootstrap.servers": pipeline.broker.bootstrap, "log_level": 3})
    for topic, (name, record) in wrong_type.items():
        producer.produce(topic, key=b"poison", value=b"\x00garbage, not Avro\xff")
        producer.produce(topic, key=b"poison", value=encode(name, record))
    assert producer.flush(15) == 0

    def letters() -> list[dict[str, Any]]:
        return [e.record for e in pipeline.events(names.dead_letters)]

    try:
        wait_for(lambda: len(letters()) >= 8, 60, "eight dead letters")
    except AssertionError as exc:
        got = [(d["topic"], d["reason"]) for d in letters()]
        raise AssertionError(f"{exc}: {got}\n{pipeline.workers[0].output()[-3000:]}") from None
    second = pipeline.wait(pipeline.request(tmp_path / "b", formats=("json",)))
    assert second.state == "completed", second

    dead = letters()
    assert sorted((d["topic"], d["error_type"]) for d in dead) == sorted(
        [(topic, "SchemaError") for topic in wrong_type]
        + [(topic, "UnexpectedEvent") for topic in wrong_type]
    ), dead
    for letter in dead:
        assert letter["key"] == b"poison"
        if letter["error_type"] == "SchemaError":
            assert letter["reason"].startswith("undecodable: "), letter
            assert letter["value"] == b"\x00garbage, not Avro\xff"
        else:
            name = wrong_type[letter["topic"]][0]
            assert letter["reason"].startswith(f"unexpected {name} on {letter['topic']}"), letter
