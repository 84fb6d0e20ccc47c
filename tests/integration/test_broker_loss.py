"""The embedded broker dies mid-export (killed, or out of memory): ``run`` notices within
seconds, starts a new one and finishes the export with the tree a clean run writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from notion_sync.kafka.broker import (
    ensure_embedded_broker,
    read_embedded_broker,
    stop_embedded_broker,
)
from tests.fixtures.pipeline import PipelineFactory
from tests.fixtures.runs import RunState, finish_run, start_run
from tests.fixtures.trees import tree, wait_for


def test_run_survives_its_embedded_broker_being_killed(
    pipeline_factory: PipelineFactory, run_state: RunState, tmp_path: Path
) -> None:
    sandbox = pipeline_factory(pages=40).sandbox
    clean_dir, out, log = tmp_path / "clean", tmp_path / "out", tmp_path / "run.log"
    finish_run(start_run(run_state, sandbox.base_url, sandbox.token, clean_dir, log, "1000"), log)
    expected = tree(clean_dir)

    process = start_run(run_state, sandbox.base_url, sandbox.token, out, log, "40")
    wait_for(lambda: sum(1 for _ in (out / ".notion-sync").rglob("*.json")) >= 8, 90, "stored")
    broker = read_embedded_broker(run_state.state_dir)
    assert broker is not None
    os.kill(broker.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(
        lambda: "starting a new one and resuming" in log.read_text(), 30, "run noticing the loss"
    )
    noticed = time.monotonic() - killed_at
    finish_run(process, log)
    restarted = read_embedded_broker(run_state.state_dir)
    assert restarted is not None and restarted.pid != broker.pid
    assert tree(out) == expected
    print(f"the broker's death noticed in {noticed:.1f} s")
    assert noticed < 15


WORKER = (sys.executable, "-m", "notion_sync", "--log-level", "INFO", "worker")


def test_a_worker_whose_broker_is_gone_stops_within_its_shutdown_timeout(
    tmp_path: Path,
) -> None:
    state = tmp_path / "state"
    broker = ensure_embedded_broker(state)
    log = tmp_path / "worker.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTION_SYNC_")}
    env.update(
        {
            "NOTION_SYNC_STATE_DIR": str(state),
            "NOTION_SYNC_WORKER__WEB_PORT": "0",
            "NOTION_SYNC_WORKER__STATE_DIR": str(tmp_path / "tables"),
            "NOTION_SYNC_WORKER__SHUTDOWN_TIMEOUT": "3",
        }
    )
    try:
        with log.open("wb") as sink:
            worker = subprocess.Popen(
                [*WORKER, "--broker", f"kafka://{broker.bootstrap}"],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        wait_for(lambda: "Ready" in log.read_text(errors="replace"), 90, "the worker ready")
        os.kill(broker.pid, signal.SIGKILL)
        worker.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code = worker.wait(30)
        took = time.monotonic() - started
        print(f"worker without its broker stopped in {took:.1f} s with code {code}")
        assert took < 3 + 5, log.read_text(errors="replace")[-2000:]
    finally:
        if worker.poll() is None:
            worker.kill()
        stop_embedded_broker(state)
