"""The docs match the code: generated sections are current, and every path they name exists.

When a generated section is stale, regenerate it with
``.venv/bin/python -m notion_sync.cli.reference`` and review the diff.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner

from notion_sync.cli.main import main
from notion_sync.cli.reference import config_reference, splice, stale
from notion_sync.core.config import Settings
from notion_sync.kafka.codec import codec
from notion_sync.kafka.topics import TOPIC_ROLES, TopicNames

ROOT = Path(__file__).resolve().parents[2]
DOCS = [
    "README.md",
    "docs/architecture.md",
    "docs/operations.md",
    "bench/README.md",
    "notion_sync/sandbox/README.md",
]
REGENERATE = "run `.venv/bin/python -m notion_sync.cli.reference` and review the diff"

FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
#: A repository path in a code span: ``notion_sync/core/config.py``, ``deploy/prometheus/``.
PATH = re.compile(r"^[\w.-]+(?:/[\w.*-]+)+/?$")
FILE_SUFFIXES = {".py", ".md", ".avsc", ".toml", ".yml", ".yaml", ".json", ".js"}
MODULE = re.compile(r"\bnotion_sync(?:\.\w+)+")


def _text(document: str) -> str:
    return (ROOT / document).read_text(encoding="utf-8")


def test_generated_sections_match_the_code() -> None:
    outdated = stale(ROOT)
    assert not outdated, f"stale generated sections {outdated}: {REGENERATE}"


def test_every_setting_has_a_row_with_a_description() -> None:
    table = config_reference().splitlines()[2:]

    def keys(struct: type, prefix: str) -> list[str]:
        found = []
        for field in msgspec.structs.fields(struct):
            key = f"{prefix}{field.name}"
            nested = isinstance(field.type, type) and issubclass(field.type, msgspec.Struct)
            found += keys(field.type, f"{key}.") if nested else [key]
        return found

    assert [row.split("|")[1].strip().strip("`") for row in table] == keys(Settings, "")
    assert "kafka.topics.entities.retention_ms" in keys(Settings, "")
    assert all(row.split("|")[5].strip() for row in table)


class _Bare(msgspec.Struct, kw_only=True):
    undocumented: int = 1


class _Undocumented(msgspec.Struct, kw_only=True):
    kafka: _Bare = msgspec.field(default_factory=_Bare)


def test_a_setting_without_a_description_stops_the_generator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("notion_sync.cli.reference.Settings", _Undocumented)
    with pytest.raises(ValueError, match=r"kafka\.undocumented has no description"):
        config_reference()


def test_topic_roles_cover_every_topic_and_every_event_once() -> None:
    prefix = "p"
    assert set(TOPIC_ROLES) == {
        name.removeprefix(f"{prefix}.") for name in TopicNames(prefix).all()
    }
    carried = [value for role in TOPIC_ROLES.values() for value in role.values]
    assert sorted(carried) == codec().names, "each Avro record belongs on exactly one topic"


def test_splice_replaces_only_the_marked_section() -> None:
    begin = "<!-- generated: t (regenerate with `python -m notion_sync.cli.reference`) -->"
    end = "<!-- end generated: t -->"
    text = f"before\n{begin}\nold\n{end}\nafter\n"
    assert splice(text, "t", "new") == f"before\n{begin}\nnew\n{end}\nafter\n"
    with pytest.raises(ValueError, match="exactly one pair of markers"):
        splice("no markers", "t", "new")


def _exists(path: str, *bases: Path) -> bool:
    return any(
        any(base.glob(path.rstrip("/"))) if "*" in path else (base / path).exists()
        for base in bases
    )


@pytest.mark.parametrize("document", DOCS)
def test_every_path_in_the_docs_exists(document: str) -> None:
    text = _text(document)
    here = (ROOT / document).parent
    prose = FENCE.sub("", text)
    missing = [
        span
        for span in CODE_SPAN.findall(prose)
        if PATH.match(span)
        and (span.endswith("/") or Path(span).suffix in FILE_SUFFIXES)
        and not _exists(span, ROOT, here)
    ]
    for target in LINK.findall(prose):
        if re.match(r"^(https?|mailto):|^#", target):
            continue
        resolved = (here / target.split("#")[0]).resolve()
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            missing.append(target)
    assert not missing, f"{document} names paths that are not in the repository: {missing}"


def _module_exists(dotted: str) -> bool:
    """``notion_sync.a.b`` is a module or package, or ``module.name`` a name defined in one."""
    mapped = tomllib.loads(_text("pyproject.toml"))["tool"]["setuptools"]["package-dir"]
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        package = ".".join(parts[:cut])
        folder = ROOT / mapped.get(package, package.replace(".", "/"))
        source = folder.with_suffix(".py") if folder.with_suffix(".py").is_file() else None
        if source is None and (folder / "__init__.py").is_file():
            source = folder / "__init__.py"
        if source is None:
            continue
        rest = parts[cut:]
        if len(rest) != 1:
            return not rest
        name = re.escape(rest[0])
        defined = rf"^(?:async def|def|class) {name}\b|^{name}\b"
        return re.search(defined, source.read_text(encoding="utf-8"), re.MULTILINE) is not None
    return False


@pytest.mark.parametrize("document", DOCS)
def test_every_module_named_in_the_docs_exists(document: str) -> None:
    missing = sorted({m for m in MODULE.findall(_text(document)) if not _module_exists(m)})
    assert not missing, f"{document} names modules that do not exist: {missing}"


def test_the_layout_names_every_package() -> None:
    text = _text("docs/architecture.md")
    layout = text[text.index("## Layout") : text.index("## Flow")]
    packages = sorted(p.parent.name for p in (ROOT / "notion_sync").glob("*/__init__.py"))
    unnamed = [name for name in packages if f"`notion_sync/{name}/`" not in layout]
    assert not unnamed, f"docs/architecture.md's Layout does not say what goes in {unnamed}"
    assert "`schemas/`" in layout


def test_the_config_error_example_is_what_the_cli_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = re.search(
        r"```console\n\$ cat notion-sync\.yaml\n(?P<yaml>.*?)"
        r"\$ notion-sync config check\n(?P<printed>.*?)```",
        _text("docs/operations.md"),
        re.DOTALL,
    )
    assert example is not None, "docs/operations.md lost its `config check` example"
    (tmp_path / "notion-sync.yaml").write_text(example["yaml"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    env: dict[str, str | None] = {
        name: None for name in os.environ if name.startswith("NOTION_SYNC_")
    }
    result = CliRunner().invoke(main, ["config", "check"], env=env)
    assert result.exit_code == 2
    assert result.output == example["printed"]


def test_every_export_failure_code_is_explained_in_operations() -> None:
    """Each ``code`` an ExportFailed can carry has a row in operations.md's table."""
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "notion_sync").rglob("*.py")
    )
    codes = set(re.findall(r'\bcode\s*=\s*"([a-z_]+)"', source))
    codes |= set(re.findall(r'_export_failed\([^\n]*?"([a-z_]+)",\s*now\)', source))
    codes -= {"timeout"}  # a NotionError's code for a request, not an export's
    table = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.MULTILINE))
    assert {"unauthorized", "root_not_found", "render_failed"} <= codes
    assert codes <= documented, sorted(codes - documented)
