"""Roots that are databases, data sources, or cannot be read (issue 19), end to end on a
real broker against the sandbox."""

from __future__ import annotations

from pathlib import Path

from notion_sync.core.errors import ExitCode
from notion_sync.store.documents import STATE_DIR, DocumentStore
from tests.fixtures.pipeline import TOKEN_REF, PipelineFactory
from tests.integration.test_user_mistakes import notion_sync


def test_a_database_or_data_source_as_root_exports_its_rows_and_csv(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=30)
    pipeline.start_worker()
    manifest = pipeline.sandbox.manifest()
    database = next(d for d in manifest["databases"] if len(d["data_sources"]) == 1)
    (source,) = (s for s in manifest["data_sources"] if s["database_id"] == database["id"])
    assert source["row_ids"]
    as_url = f"https://www.notion.so/acme/Tracker-{database['id'].replace('-', '')}?v=1"
    for root, out in [(as_url, tmp_path / "db"), (source["id"], tmp_path / "ds")]:
        export_id = pipeline.request(out, formats=("json", "csv"), roots=(root,))
        view = pipeline.wait(export_id)
        assert view.state == "completed", view
        assert (view.data_sources, view.pages) == (1, len(source["row_ids"])), view
        stored = {e["id"]: e["kind"] for e in DocumentStore(out / STATE_DIR).entries()}
        assert stored[source["id"]] == "data_source"
        assert {r for r in source["row_ids"] if stored.get(r) == "page"} == set(source["row_ids"])
        assert [p.name for p in (out / "csv").rglob("*.csv")] == [
            f"{source['title']} {source['id'][-8:]}.csv"
        ]


def test_an_unshared_root_fails_run_naming_the_id_and_the_fix(
    pipeline_factory: PipelineFactory, tmp_path: Path
) -> None:
    pipeline = pipeline_factory(pages=30)
    unshared = next(p["id"] for p in pipeline.sandbox.manifest()["pages"] if not p["shared"])
    env = {
        k: v
        for k, v in pipeline.env().items()
        if k.startswith("NOTION_SYNC_") and k != "NOTION_SYNC_NOTION__BASE_URL"
    }
    done, _ = notion_sync(
        "run",
        *("--broker", pipeline.broker.url, "--format", "json", "--root", unshared),
        *("--notion-url", pipeline.sandbox.base_url, "--out", str(tmp_path / "out")),
        *("--token-ref", TOKEN_REF),
        env=env,
        timeout=240,
    )
    assert done.returncode == ExitCode.FAILED, done.stdout + done.stderr[-3000:]
    said = " ".join((done.stdout + done.stderr).split())
    assert "failed" in said and unshared in said, said
    assert "share the page" in said and "404 object_not_found" in said, said
