"""The options several commands share, defined once so their names, defaults and help agree.

A user who learns ``--format``, ``--out`` or ``--log-level`` on one command can rely on the
same spelling and meaning on every other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from notion_sync.cli.common import CliContext
from notion_sync.core.config import DEFAULT_TOKEN_REF
from notion_sync.core.logs import configure_logging
from notion_sync.core.request import FORMATS, not_a_directory

__all__ = [
    "LOG_LEVELS",
    "FormatList",
    "broker_option",
    "content_options",
    "formats_option",
    "json_option",
    "log_level_option",
    "markdown_options",
    "markdown_overrides",
    "notion_url_option",
    "out_option",
    "quiet_option",
    "roots_option",
    "token_ref_option",
]

F = TypeVar("F", bound=Callable[..., Any])
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class FormatList(click.ParamType):
    """Comma-separated formats, each one of :data:`FORMATS`; duplicates dropped, order kept."""

    name = "formats"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + ",".join(FORMATS) + "]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> list[str]:
        if isinstance(value, list):
            return value
        names = [part.strip().lower() for part in str(value).split(",") if part.strip()]
        unknown = [name for name in names if name not in FORMATS]
        if unknown or not names:
            given = ", ".join(map(repr, unknown)) if unknown else "none"
            self.fail(
                f"unknown format {given}: choose one or more of {', '.join(FORMATS)}, "
                "comma-separated",
                param,
                ctx,
            )
        return list(dict.fromkeys(names))


def formats_option(func: F) -> F:
    return click.option(
        "--format",
        "formats",
        type=FormatList(),
        default=",".join(FORMATS),
        show_default=True,
        help="Formats to write, comma-separated.",
    )(func)


def broker_option(func: F) -> F:
    return click.option(
        "--broker",
        envvar="NOTION_SYNC_KAFKA__BROKER",
        metavar="URL",
        help="kafka://HOST:PORT[,HOST:PORT…] of the cluster; default: the embedded broker.",
    )(func)


def _a_directory(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Path | None:
    # Judged as typed: pathlib would read s3://bucket/prefix as the path s3:/bucket/prefix.
    if value is None:
        return None
    if problem := not_a_directory(value):
        raise click.BadParameter(problem)
    return Path(value)


def out_option(help: str, *, default: Path | None = None) -> Callable[[F], F]:
    # click 8.3 takes an explicit default=None as a value, so a required --out gets none.
    extra: dict[str, Any] = {"required": True} if default is None else {"default": default}

    def decorate(func: F) -> F:
        return click.option(
            "--out",
            "out_dir",
            type=click.Path(file_okay=False),
            callback=_a_directory,
            show_default=default is not None,
            help=help,
            **extra,
        )(func)

    return decorate


def notion_url_option(func: F) -> F:
    return click.option(
        "--notion-url",
        envvar="NOTION_SYNC_NOTION__BASE_URL",
        metavar="URL",
        help="Notion API base URL (a sandbox's, or a proxy); default: Notion's.",
    )(func)


def roots_option(func: F) -> F:
    return click.option(
        "--root",
        "roots",
        multiple=True,
        metavar="ID_OR_URL",
        help="Export only this page or database and what it contains (repeatable).",
    )(func)


def token_ref_option(func: F) -> F:
    return click.option(
        "--token-ref",
        default=DEFAULT_TOKEN_REF,
        show_default=True,
        help="Name of the credential the workers resolve (never the token itself).",
    )(func)


def content_options(func: F) -> F:
    func = click.option(
        "--download-external", is_flag=True, help="Also download externally hosted files."
    )(func)
    return click.option("--no-comments", is_flag=True, help="Do not fetch comments.")(func)


def markdown_options(func: F) -> F:
    """The markdown format's settings (``markdown.*``) for this command's renders."""
    func = click.option(
        "--title-heading/--no-title-heading",
        default=None,
        help="Markdown: also write each title as a `# Title` line (markdown.title_heading).",
    )(func)
    return click.option(
        "--front-matter",
        type=click.Choice(["flat", "nested"]),
        default=None,
        help="Markdown: properties as top-level front matter keys or under `properties:` "
        "(markdown.front_matter).",
    )(func)


def markdown_overrides(front_matter: str | None, title_heading: bool | None) -> dict[str, Any]:
    """The ``markdown`` settings the options gave (none: the configuration's)."""
    given = {"front_matter": front_matter, "title_heading": title_heading}
    return {key: value for key, value in given.items() if value is not None}


def json_option(func: F) -> F:
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print a machine-readable JSON summary on stdout instead of text.",
    )(func)


def quiet_option(func: F) -> F:
    return click.option(
        "--quiet", "-q", is_flag=True, help="No progress; print only the final summary."
    )(func)


def _set_log_level(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    cli = ctx.find_object(CliContext)
    if cli is not None:
        cli.log_level = value.upper()
        configure_logging(cli.log_level, cli.log_format)


def log_level_option(func: F) -> F:
    """``--log-level`` after the subcommand too; it wins over the one before it."""
    return click.option(
        "--log-level",
        type=click.Choice(LOG_LEVELS, case_sensitive=False),
        expose_value=False,
        callback=_set_log_level,
        help="Log level (also accepted before the subcommand).",
    )(func)
