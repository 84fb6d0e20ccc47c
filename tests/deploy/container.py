"""What a container of our image would exec, derived as Docker, Kubernetes and Compose do.

Dockerfile: the last ENTRYPOINT and CMD (exec form; a shell form would run under
``/bin/sh -c``). Kubernetes: ``command`` replaces the ENTRYPOINT and drops the CMD, ``args``
replaces the CMD. Compose: ``entrypoint`` replaces the ENTRYPOINT and drops the CMD,
``command`` replaces the CMD.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Image:
    entrypoint: list[str]
    cmd: list[str]
    env: dict[str, str] = field(default_factory=dict)


def read_dockerfile(path: Path) -> Image:
    entrypoint: list[str] = []
    cmd: list[str] = []
    env: dict[str, str] = {}
    for instruction, rest in _instructions(path.read_text()):
        if instruction in ("ENTRYPOINT", "CMD"):
            assert rest.startswith("["), f"{instruction} must be in exec form (JSON): {rest}"
            value = json.loads(rest)
            if instruction == "ENTRYPOINT":
                entrypoint, cmd = value, []  # a later ENTRYPOINT resets an inherited CMD
            else:
                cmd = value
        elif instruction == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(rest))  # type: ignore[misc]
    return Image(entrypoint, cmd, env)


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    found = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            instruction, _, rest = stripped.partition(" ")
            found.append((instruction.upper(), rest.strip()))
    return found


def kubernetes_argv(image: Image, container: dict[str, Any]) -> list[str]:
    command, args = container.get("command"), container.get("args")
    if command is not None:
        return [*command, *(args or [])]
    return [*image.entrypoint, *(args if args is not None else image.cmd)]


def compose_argv(image: Image, service: dict[str, Any]) -> list[str]:
    def words(value: str | list[str]) -> list[str]:
        return shlex.split(value) if isinstance(value, str) else list(value)

    command = service.get("command")
    if "entrypoint" in service:
        return [*words(service["entrypoint"]), *(words(command) if command is not None else [])]
    return [*image.entrypoint, *(words(command) if command is not None else image.cmd)]
