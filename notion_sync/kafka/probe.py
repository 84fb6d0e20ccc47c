"""Is any broker of a bootstrap list listening? Asked before a Kafka client is built.

Kafka clients retry an unreachable broker quietly for their whole timeout (and librdkafka
logs every attempt), so a wrong ``--broker`` would cost the user ten seconds and a screen
of noise; a TCP connect answers in milliseconds when nothing listens, and within
``timeout`` when the host does not answer at all.
"""

from __future__ import annotations

import socket

from notion_sync.core.errors import BrokerError

__all__ = ["ensure_reachable"]


def ensure_reachable(bootstrap: str, timeout: float = 3.0) -> None:
    """Return once one ``host:port`` of ``bootstrap`` accepts a connection; else BrokerError."""
    problems = []
    for server in bootstrap.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
                return
        except OSError as exc:
            problems.append(f"{server}: {exc.strerror or exc}")
    raise BrokerError(
        f"cannot reach Kafka at {bootstrap} ({'; '.join(problems)}): check --broker "
        "(kafka://HOST:PORT), or leave it out to use the embedded broker"
    )
