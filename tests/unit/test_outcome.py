"""How an export's end is told: exit codes, the text summary and the JSON one."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from notion_sync.cli.outcome import exit_code, print_outcome
from notion_sync.core.errors import ExitCode
from notion_sync.kafka.status import ExportView


def _view(**fields: object) -> ExportView:
    view = ExportView("e1", out_dir="/tmp/out")
    for name, value in fields.items():
        setattr(view, name, value)
    return view


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"state": "completed"}, ExitCode.COMPLETED),
        ({"state": "completed", "skipped": 2}, ExitCode.COMPLETED),
        ({"state": "completed", "failed": 1}, ExitCode.INCOMPLETE),
        ({"state": "failed", "code": "unauthorized"}, ExitCode.UNAUTHORIZED),
        ({"state": "failed", "code": "render_failed"}, ExitCode.FAILED),
        ({"state": "running"}, ExitCode.UNFINISHED),
    ],
)
def test_each_ending_has_its_exit_code(fields: dict[str, object], code: ExitCode) -> None:
    assert exit_code(_view(**fields)) == code


def test_the_text_summary_lists_failures_and_where_the_rest_are() -> None:
    failures = [{"document_id": f"d{i}", "reason": "gone"} for i in range(25)]
    out = io.StringIO()
    console = Console(file=out, width=200)
    code = print_outcome(
        _view(state="completed", pages=3, failed=25, failures=failures, written={"json": 3}),
        console,
    )
    text = out.getvalue()
    assert code == ExitCode.INCOMPLETE
    assert "completed: 3 pages" in text and "failed d0: gone" in text
    assert "failed d24" not in text and "5 more in /tmp/out/manifest.json" in text
    assert "\x1b" not in text


def test_an_unfinished_export_says_how_to_resume() -> None:
    out = io.StringIO()
    print_outcome(_view(state="running"), Console(file=out, width=200))
    assert "run the same command again to resume" in out.getvalue()


def test_the_json_summary_is_one_document_with_the_exit_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    human = io.StringIO()
    code = print_outcome(
        _view(state="failed", reason="Notion refused the token", code="unauthorized"),
        Console(file=human),
        as_json=True,
    )
    printed = json.loads(capsys.readouterr().out)
    assert code == printed["exit_code"] == ExitCode.UNAUTHORIZED
    assert printed["reason"] == "Notion refused the token" and printed["state"] == "failed"
    assert human.getvalue() == ""
