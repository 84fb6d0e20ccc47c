"""``notion-sync demo``: export the local Notion sandbox in every format, no account needed."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from notion_sync.cli.common import CliContext, fail, make_console, resolve_broker
from notion_sync.cli.options import log_level_option, out_option
from notion_sync.cli.outcome import print_outcome
from notion_sync.cli.run import run_export
from notion_sync.core.errors import NotionSyncError
from notion_sync.core.request import FORMATS, build_request


@click.command()
@out_option("Output directory.", default=Path("notion-export"))
@click.option("--pages", default=120, show_default=True, help="Size of the generated workspace.")
@click.option("--seed", default=7, show_default=True, help="Seed of the generated workspace.")
@click.option(
    "--rate",
    default=30.0,
    show_default=True,
    help="The sandbox's rate limit (Notion's is 3/s; the demo is quicker).",
)
@click.option("--timeout", type=float, metavar="SECONDS", help="Stop after SECONDS.")
@log_level_option
@click.pass_obj
def demo(
    ctx: CliContext, out_dir: Path, pages: int, seed: int, rate: float, timeout: float | None
) -> None:
    """Start the sandbox and export it into OUT as JSON, Markdown, HTML and CSV."""
    from notion_sync.sandbox import Sandbox, SandboxConfig

    console = make_console()
    config = SandboxConfig(pages=pages, seed=seed, rate=rate, burst=max(10, int(rate)))
    with Sandbox(config).running_in_thread() as sandbox:
        console.print(
            f"sandbox: {sandbox.base_url} ({pages} pages, {rate:g} requests/s)", highlight=False
        )
        try:
            settings = ctx.settings(
                notion={
                    "base_url": sandbox.base_url,
                    "rate": rate * 0.95,
                    "burst": max(5, int(rate * 0.5)),
                    "tokens": {"sandbox": sandbox.token},
                },
            )
            request = build_request(formats=FORMATS, out_dir=out_dir, token_ref="sandbox")
            broker = resolve_broker(settings)
            env = {
                "NOTION_SYNC_NOTION__BASE_URL": sandbox.base_url,
                "NOTION_SYNC_NOTION__RATE": str(rate * 0.95),
                "NOTION_SYNC_TOKEN_SANDBOX": sandbox.token,
            }
            view = run_export(
                settings,
                broker,
                request,
                console,
                worker_env=env,
                config_file=ctx.config_file,
                log_level=ctx.log_level,
                timeout=timeout,
            )
        except NotionSyncError as exc:
            raise fail(exc) from exc
    code = print_outcome(view, console)
    if code == 0:
        table = Table("format", "files", "where")
        root = Path(request["out_dir"])
        for fmt in FORMATS:
            table.add_row(fmt, str(view.written.get(fmt, 0)), str(root / fmt))
        console.print(table)
        console.print(
            f"open {root / 'html' / 'index.html'} in a browser; manifest: {root / 'manifest.json'}",
            highlight=False,
        )
    raise SystemExit(code)
