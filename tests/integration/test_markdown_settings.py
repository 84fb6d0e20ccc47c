"""The markdown settings reach the render: ``run``'s options, through its worker and the
render child, decide how every page's front matter and title are written."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.fixtures.pipeline import TOKEN_REF, PipelineFactory
from tests.integration.test_user_mistakes import notion_sync


def _front_matter(text: str) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(text[4:].partition("\n---\n")[0])
    return data


def test_run_writes_markdown_as_its_options_say(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=12)
    env = {
        k: v
        for k, v in pipeline.env().items()
        if k.startswith("NOTION_SYNC_") and k != "NOTION_SYNC_NOTION__BASE_URL"
    }
    out = tmp_path / "out"
    done, _ = notion_sync(
        "run",
        *("--broker", pipeline.broker.url, "--format", "markdown", "--quiet"),
        *("--notion-url", pipeline.sandbox.base_url, "--out", str(out)),
        *("--token-ref", TOKEN_REF, "--front-matter", "nested", "--title-heading"),
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    rows = [
        path
        for path in (out / "markdown").rglob("*.md")
        if path.name != "index.md" and "properties" in _front_matter(path.read_text())
    ]
    assert rows, "no page has its properties under `properties:`"
    for path in (out / "markdown").rglob("*.md"):
        assert "\n---\n\n# " in path.read_text(), path  # every title is a heading too
    assert "](" in (out / "markdown" / "index.md").read_text()
