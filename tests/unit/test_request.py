from __future__ import annotations

from pathlib import Path

import pytest

from notion_sync.core.errors import ConfigError
from notion_sync.core.request import build_request, normalize_id, validate_request


def test_ids_are_normalised_from_any_notion_form() -> None:
    dashed = "1f2e3d4c-5b6a-7988-0011-223344556677"
    assert normalize_id("1f2e3d4c5b6a79880011223344556677") == dashed
    assert normalize_id(dashed.upper()) == dashed
    assert normalize_id(f"https://www.notion.so/ws/My-Page-{dashed.replace('-', '')}") == dashed


def test_malformed_page_id_says_what_is_expected() -> None:
    with pytest.raises(ConfigError, match="expected 32 hex digits"):
        normalize_id("not-a-page")


def test_build_request_refuses_every_problem_at_once(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        build_request(
            formats=["pdf", "json"], out_dir=tmp_path, token_ref="secret_abc def", roots=["xyz"]
        )
    message = str(caught.value)
    assert "unknown format 'pdf': choose from json, markdown, html, csv" in message
    assert "token ref" in message and "never the token itself" in message
    assert "'xyz' is not a Notion page id" in message


def test_unwritable_output_directory_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    problems = validate_request(
        {"formats": ["json"], "token_ref": "default", "out_dir": str(blocker / "out")}
    )
    assert problems == [
        f"output directory {str(blocker / 'out')!r}: {blocker} is not a directory; "
        "choose another --out"
    ]


@pytest.mark.parametrize("url", ["s3://exports/acme", "gs://b/p", "az://c/p", "file:///tmp/x"])
def test_an_object_store_url_is_refused_not_taken_as_a_relative_path(url: str) -> None:
    problems = validate_request({"formats": ["json"], "token_ref": "default", "out_dir": url})
    scheme = url.split(":")[0]
    assert problems == [
        f"output directory {url!r} is a URL; exports are written to a local or mounted "
        f"directory: pass a path ({scheme}:// object storage is not supported yet)"
    ]


def test_valid_request_is_complete(tmp_path: Path) -> None:
    request = build_request(
        formats=["json", "json", "csv"],
        out_dir=tmp_path / "new",
        token_ref="default",
        roots=["1f2e3d4c5b6a79880011223344556677"],
    )
    assert request["formats"] == ["json", "csv"]
    assert request["roots"] == ["1f2e3d4c-5b6a-7988-0011-223344556677"]
    assert Path(request["out_dir"]).is_absolute()
    assert len(request["export_id"]) == 32


def test_no_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no format given"):
        build_request(formats=[], out_dir=tmp_path, token_ref="default")
