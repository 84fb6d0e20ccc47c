"""Issue 7: /healthz and /readyz through a worker's life: starting, assigned, broker gone."""

from __future__ import annotations

import math
from pathlib import Path

import httpx

from notion_sync.kafka.broker import ensure_embedded_broker, stop_embedded_broker
from notion_sync.sandbox import Sandbox, SandboxConfig
from tests.fixtures import kafka
from tests.fixtures.pipeline import Pipeline
from tests.integration.probes import free_port, get, poll


def test_probes_follow_the_worker_from_start_to_broker_loss(
    tmp_path: Path, topic_prefix: str
) -> None:
    # A broker of our own: this test kills it, and the session broker serves everyone else.
    state_dir = tmp_path / "broker"
    broker = ensure_embedded_broker(state_dir)
    try:
        with Sandbox(SandboxConfig(pages=3, rate=math.inf, seed=7)).running_in_thread() as sandbox:
            pipeline = Pipeline(
                kafka.TestBroker(broker.bootstrap, True, state_dir), topic_prefix, sandbox, tmp_path
            )
            port = free_port()
            worker = pipeline.start_worker(NOTION_SYNC_WORKER__WEB_PORT=str(port))
            try:
                alive = lambda: worker.process.poll() is None  # noqa: E731
                healthz = poll(lambda: get(port, "/healthz"), "/healthz", alive=alive)
                assert healthz.status_code == 200
                starting = get(port, "/readyz")
                assert starting is not None and starting.status_code == 503, starting
                reasons = starting.json()["reasons"]
                assert reasons and set(reasons) <= {"starting", "no partitions assigned"}

                ready = poll(lambda: _status(port, 200), "ready", alive=alive)
                assert ready.json()["partitions"] > 0 and ready.json()["reasons"] == []

                stop_embedded_broker(state_dir)
                gone = poll(lambda: _status(port, 503), "not ready after broker loss", alive=alive)
                assert any(r.startswith("broker unreachable") for r in gone.json()["reasons"])
                still = get(port, "/healthz")
                assert still is not None and still.status_code == 200
                worker.kill()  # a graceful stop waits on the missing broker; not under test
            finally:
                worker.stop()
    finally:
        stop_embedded_broker(state_dir)


def _status(port: int, status: int) -> httpx.Response | None:
    response = get(port, "/readyz")
    return response if response is not None and response.status_code == status else None
