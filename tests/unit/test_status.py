from __future__ import annotations

import io

from rich.console import Console

from notion_sync.cli.progress import ExportProgress, describe
from notion_sync.kafka.codec import Decoded
from notion_sync.kafka.status import ExportView, fold, latest


def _events() -> list[Decoded]:
    return [
        Decoded(
            "ExportStarted",
            {
                "export_id": "a",
                "started_at": 1000,
                "token_ref": "default",
                "formats": ["json"],
                "out_dir": "/o",
                "roots": [],
            },
            1,
        ),
        Decoded(
            "ExportProgress",
            {
                "export_id": "a",
                "state": "running",
                "scheduled": 10,
                "fetched": 4,
                "skipped": 1,
                "failed": 0,
                "written": 0,
                "requests": 40,
                "rate_limited": 2,
                "circuit": "open",
                "at": 2000,
            },
            1,
        ),
        Decoded(
            "ExportStarted",
            {
                "export_id": "b",
                "started_at": 5000,
                "token_ref": "x",
                "formats": ["csv"],
                "out_dir": "/p",
                "roots": [],
            },
            1,
        ),
        Decoded(
            "ExportFailed",
            {"export_id": "b", "finished_at": 6000, "reason": "nope", "code": "unauthorized"},
            1,
        ),
        Decoded(
            "ExportCompleted",
            {
                "export_id": "a",
                "finished_at": 9000,
                "out_dir": "/o",
                "pages": 8,
                "data_sources": 1,
                "unchanged": 0,
                "skipped": 1,
                "failed": 1,
                "written": {"json": 10},
                "requests": 50,
                "rate_limited": 2,
                "failures": [{"document_id": "d", "reason": "boom"}],
            },
            1,
        ),
        Decoded(
            "ExportFailed",
            {"export_id": "a", "finished_at": 9999, "reason": "late", "code": "x"},
            1,
        ),
    ]


def test_fold_keeps_the_first_end_of_each_export() -> None:
    views = fold(iter(_events()))
    assert views["a"].state == "completed"
    assert views["a"].written == {"json": 10}
    assert views["a"].failures == [{"document_id": "d", "reason": "boom"}]
    assert views["b"].state == "failed" and views["b"].reason == "nope"
    assert [v.export_id for v in latest(views)] == ["b", "a"]


def test_describe_says_what_an_operator_needs() -> None:
    view = fold(iter(_events()[:2]))["a"]
    line = describe(view)
    assert "planned 10" in line and "fetched 4" in line and "429s 2" in line
    assert "circuit open" in line and "skipped 1" in line


def test_progress_renders_with_an_eta_from_an_injected_clock() -> None:
    now = [100.0]
    output = io.StringIO()
    console = Console(file=output, force_terminal=True, width=160)
    view = ExportView("0123456789", scheduled=10, fetched=4, skipped=1, requests=9, listed=True)
    with ExportProgress(console, get_time=lambda: now[0], disable=False) as progress:
        now[0] += 10.0
        assert progress.eta(view) == "ETA 0:10"
        progress.update(view)
    text = output.getvalue()
    assert "01234567" in text and "5/10" in text and "requests 9" in text


def test_eta_is_unknown_before_anything_is_done() -> None:
    console = Console(file=io.StringIO())
    progress = ExportProgress(console, get_time=lambda: 0.0)
    assert progress.eta(ExportView("x", scheduled=5, listed=True)) == "ETA --"


def test_while_the_workspace_is_listed_the_plan_is_a_lower_bound_and_there_is_no_eta() -> None:
    now = [0.0]
    progress = ExportProgress(Console(file=io.StringIO()), get_time=lambda: now[0])
    now[0] = 10.0
    view = ExportView("x", state="running", scheduled=120, fetched=20)
    assert progress.eta(view) == "ETA --"
    assert "planned 120+ (listing)" in describe(view)
    view.apply(Decoded("PlanningCompleted", {"export_id": "x", "search_pages": 3}, 1))
    assert view.listed and progress.eta(view) == "ETA 0:50"
    assert "planned 120 " in describe(view) + " "
