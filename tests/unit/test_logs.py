"""Issue 7: JSON log lines carry the export id and never a token."""

from __future__ import annotations

import io
import json
import logging

from notion_sync.core.logs import build_handler, current_export


def _logger(fmt: str, secrets: tuple[str, ...] = ()) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    logger = logging.getLogger(f"test.logs.{fmt}.{len(secrets)}")
    logger.handlers[:] = [build_handler(fmt, secrets, stream)]  # type: ignore[arg-type]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_json_lines_carry_the_export_id_and_extras() -> None:
    logger, stream = _logger("json")
    logger.info("outside")
    reset = current_export.set("exp-123")
    try:
        logger.info("fetched %d blocks", 7, extra={"document": "page-1"})
    finally:
        current_export.reset(reset)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert "export_id" not in first
    assert second["export_id"] == "exp-123" and second["message"] == "fetched 7 blocks"
    assert second["document"] == "page-1" and second["level"] == "info"


def test_tokens_are_redacted_in_messages_args_and_tracebacks() -> None:
    logger, stream = _logger("json", ("configured-token-value",))
    logger.warning("auth %s then ntn_abcdefghijklmnop", "secret_ABCDEFGHIJKLMNOP")
    try:
        raise RuntimeError("bad token configured-token-value")
    except RuntimeError:
        logger.exception("failed")
    text = stream.getvalue()
    for secret in ("configured-token-value", "ntn_abcdefghijklmnop", "secret_ABCDEFGHIJKLMNOP"):
        assert secret not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["message"] == "auth [redacted] then [redacted]"
    assert "bad token [redacted]" in lines[1]["exc"]


def test_text_format_tags_the_export() -> None:
    logger, stream = _logger("text")
    reset = current_export.set("exp-9")
    try:
        logger.info("done")
    finally:
        current_export.reset(reset)
    assert "[export exp-9] done" in stream.getvalue()


def test_the_worker_logs_no_line_per_http_request() -> None:
    from notion_sync.core.logs import logging_config

    config = logging_config("INFO", "text")
    assert config["root"]["level"] == "INFO"
    assert config["loggers"]["httpx"] == {"level": "WARNING"}
    assert config["loggers"]["httpcore"] == {"level": "WARNING"}
