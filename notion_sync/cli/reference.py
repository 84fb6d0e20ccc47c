"""The docs' reference sections, generated from the code: ``python -m notion_sync.cli.reference``.

Tables written by hand drifted from the code they describe (topic names, a settings
example, a module table naming files that had moved). Three are generated instead, each
between marker comments in its document: the settings (from the ``Settings`` model and
its descriptions), the topics (from :mod:`notion_sync.kafka.topics`) and the module index
(from each module's docstring, packages in the order of the import-linter layers).
``--check`` only reports; tests/unit/test_docs.py fails whenever a section is stale.
It sits with the command line because it reads every layer.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import msgspec.inspect as mi

import notion_sync
from notion_sync.core.config import ENV_PREFIX, Settings
from notion_sync.core.kafka_settings import KafkaSettings
from notion_sync.kafka.codec import load_packaged_schemas
from notion_sync.kafka.topics import TOPIC_ROLES, TopicNames, TopicSpec, topic_specs

__all__ = ["SECTIONS", "config_reference", "module_index", "splice", "stale", "topic_reference"]

PACKAGE = Path(notion_sync.__file__).resolve().parent
ROOT = PACKAGE.parent
COMMAND = "python -m notion_sync.cli.reference"


def config_reference() -> str:
    """Every setting: key, type, default, environment variable and description."""
    rows = [
        "| key | type | default | environment | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for section in _struct(mi.type_info(Settings)).fields:
        rows += _setting_rows(section.name, _struct(section.type))
    return "\n".join(rows)


def _setting_rows(prefix: str, struct: mi.StructType) -> list[str]:
    """A row per setting of ``struct``; a nested section (``kafka.topics``) adds its own."""
    rows = []
    for field in struct.fields:
        key = f"{prefix}.{field.name}"
        if isinstance(field.type, mi.StructType):
            rows += _setting_rows(key, field.type)
            continue
        kind, description = _described(field.type)
        if not description:
            raise ValueError(f"setting {key} has no description: give it about(...)")
        env = ENV_PREFIX + key.replace(".", "__").upper()
        rows.append(
            f"| `{key}` | {_type(kind)} | {_default(field)} | `{env}` | {_cell(description)} |"
        )
    return rows


def topic_reference() -> str:
    """Every topic as :func:`topic_specs` creates it, with its role from ``TOPIC_ROLES``."""
    settings = KafkaSettings()
    names = TopicNames(settings.topic_prefix)
    versions = _schema_versions()
    rows = [
        "| topic | key | values (Avro records) | partitions | retention | written by | read by |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for spec in topic_specs(settings):
        role = TOPIC_ROLES[spec.name.removeprefix(f"{names.prefix}.")]
        values = ", ".join(f"`{name}`{versions[name]}" for name in role.values)
        rows.append(
            f"| `{spec.name}` | {_cell(role.key)} | {values} "
            f"| {spec.partitions} (`{spec.setting}.partitions`) | {_retention(spec)} "
            f"| {_cell(role.writers)} | {_cell(role.readers)} |"
        )
    return "\n".join(rows)


def module_index() -> str:
    """Each module with its docstring's first paragraph, bottom layer first.

    The sandbox is one row: a leaf the product never imports, with a README of its own.
    """
    rows = ["| module | what it is for |", "| --- | --- |"]
    rows += [f"| `{path.relative_to(ROOT)}` | {_summary(path)} |" for path in _modules(PACKAGE)]
    for package in _packages_in_layer_order():
        folder = PACKAGE.joinpath(*package.split(".")[1:])
        if package == "notion_sync.sandbox":
            rows.append(f"| `notion_sync/sandbox/` | {_summary(folder / '__init__.py')} |")
            continue
        modules = [path for path in _modules(folder) if path.name != "__init__.py"]
        rows += [f"| `{path.relative_to(ROOT)}` | {_summary(path)} |" for path in modules]
    return "\n".join(rows)


#: (document, section name, what renders it)
SECTIONS: list[tuple[str, str, Callable[[], str]]] = [
    ("docs/operations.md", "config", config_reference),
    ("docs/operations.md", "topics", topic_reference),
    ("docs/architecture.md", "modules", module_index),
]


def _markers(section: str) -> tuple[str, str]:
    return (
        f"<!-- generated: {section} (regenerate with `{COMMAND}`) -->",
        f"<!-- end generated: {section} -->",
    )


def splice(text: str, section: str, body: str) -> str:
    """``text`` with the lines between the section's markers replaced by ``body``."""
    begin, end = _markers(section)
    if text.count(begin) != 1 or text.count(end) != 1:
        raise ValueError(
            f"the section {section!r} needs exactly one pair of markers:\n{begin}\n{end}"
        )
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def stale(root: Path = ROOT) -> list[str]:
    """The ``document: section`` pairs that differ from what the code renders now."""
    found = []
    for document, section, render in SECTIONS:
        text = (root / document).read_text(encoding="utf-8")
        if splice(text, section, render()) != text:
            found.append(f"{document}: {section}")
    return found


def _struct(info: mi.Type) -> mi.StructType:
    if not isinstance(info, mi.StructType):
        raise TypeError(f"expected a settings section, got {info}")
    return info


def _described(info: mi.Type) -> tuple[mi.Type, str]:
    """The type under any ``Meta`` and the description a ``Meta`` gave it."""
    description = ""
    while isinstance(info, mi.Metadata):
        description = (info.extra_json_schema or {}).get("description", description)
        info = info.type
    return info, description


def _type(info: mi.Type) -> str:
    info, _ = _described(info)
    if isinstance(info, mi.IntType | mi.FloatType):
        return ("integer" if isinstance(info, mi.IntType) else "number") + _bounds(info)
    if isinstance(info, mi.StrType):
        return f"string matching `{info.pattern}`" if info.pattern else "string"
    if isinstance(info, mi.LiteralType):
        return " or ".join(f"`{value}`" for value in info.values)
    if isinstance(info, mi.BoolType):
        return "`true` or `false`"
    if isinstance(info, mi.DictType):
        return f"map: {_type(info.key_type)} → {_type(info.value_type)}"
    if isinstance(info, mi.UnionType):
        return " or ".join(_type(t) for t in info.types if not isinstance(t, mi.NoneType))
    if isinstance(info, mi.CustomType):
        return {"Secret": "token (redacted when shown)", "Path": "path"}[info.cls.__name__]
    raise TypeError(f"no wording for a setting of type {info}")


def _bounds(info: mi.IntType | mi.FloatType) -> str:
    if info.ge is not None and info.le is not None:
        return f" {info.ge}–{info.le}"
    limits = [("≥", info.ge), (">", info.gt), ("≤", info.le), ("<", info.lt)]
    return "".join(f" {sign} {value}" for sign, value in limits if value is not None)


def _default(field: mi.Field) -> str:
    value: Any = field.default
    if field.default_factory is not msgspec.NODEFAULT:
        value = field.default_factory()
    return "unset" if value is None else f"`{value}`"


def _retention(spec: TopicSpec) -> str:
    """Retention in words, then every config the topic is created with."""
    ms, size = int(spec.config["retention.ms"]), int(spec.config["retention.bytes"])
    kept = "until deleted" if ms < 0 else _duration(ms)
    if size >= 0:
        kept += f" or {size:,} bytes a partition"
    configs = ", ".join(f"`{key}={value}`" for key, value in sorted(spec.config.items()))
    return f"{kept} (`{spec.setting}.retention_ms`): {configs}"


def _duration(ms: int) -> str:
    days, rest = divmod(ms, 24 * 3600 * 1000)
    return f"{days} days" if days and not rest else f"{ms:,} ms"


def _schema_versions() -> dict[str, str]:
    """`` (v1, v2)`` after a record that has several versions (all still readable)."""
    versions: dict[str, list[int]] = {}
    for filename, raw in load_packaged_schemas().items():
        versions.setdefault(raw["name"], []).append(int(filename.split(".v")[-1].split(".")[0]))
    return {
        name: f" ({', '.join(f'v{v}' for v in sorted(found))})" if len(found) > 1 else ""
        for name, found in versions.items()
    }


def _packages_in_layer_order() -> list[str]:
    """Packages bottom layer first, as the import-linter contract in pyproject.toml lists
    them (top first), then anything outside the layers (the sandbox)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    ordered = [name.strip() for layer in reversed(layers) for name in layer.split("|")]
    found = sorted(
        "notion_sync." + str(p.parent.relative_to(PACKAGE)).replace("/", ".")
        for p in PACKAGE.glob("*/__init__.py")
    )
    return [*ordered, *(name for name in found if name not in ordered)]


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.py"))


def _summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if not doc:
        raise ValueError(f"{path.relative_to(ROOT)} has no docstring: say what it is for")
    return _cell(" ".join(doc.split("\n\n")[0].split()))


def _cell(text: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND, description="Regenerate the docs' reference sections."
    )
    parser.add_argument("--check", action="store_true", help="only report stale sections")
    args = parser.parse_args(argv)
    try:
        outdated = stale()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.check:
        for entry in outdated:
            print(f"stale: {entry}")
        return 1 if outdated else 0
    for document, section, render in SECTIONS:
        path = ROOT / document
        path.write_text(splice(path.read_text(encoding="utf-8"), section, render()), "utf-8")
    for entry in outdated:
        print(f"regenerated: {entry}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
