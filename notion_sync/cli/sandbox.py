"""``notion-sync sandbox``: serve a local Notion API over a generated workspace.

Prints the base URL as the first line of stdout, then serves until SIGINT or SIGTERM::

    notion-sync sandbox --pages 500 --seed 7 --port 0
"""

from __future__ import annotations

import asyncio
import math
import signal
import sys

import click

from notion_sync.sandbox import DEFAULT_BURST, DEFAULT_RATE, Sandbox, SandboxConfig

__all__ = ["sandbox"]


def _env(name: str) -> str:
    return f"NOTION_SYNC_SANDBOX_{name}"


async def _serve(config: SandboxConfig) -> None:
    sb = Sandbox(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with sb:
        click.echo(sb.base_url)
        sys.stdout.flush()
        click.echo(
            f"notion-sync sandbox: {config.pages} pages, seed {config.seed}, "
            f"token {config.token!r}; Ctrl-C stops it",
            err=True,
        )
        await stop.wait()


@click.command("sandbox")
@click.option(
    "--host", default="127.0.0.1", show_default=True, envvar=_env("HOST"), help="Interface to bind."
)
@click.option(
    "--port",
    default=0,
    show_default=True,
    type=int,
    envvar=_env("PORT"),
    help="Port to bind (0 picks a free one).",
)
@click.option(
    "--pages",
    default=200,
    show_default=True,
    type=click.IntRange(min=1),
    envvar=_env("PAGES"),
    help="Page objects in the generated workspace.",
)
@click.option(
    "--seed",
    default=1,
    show_default=True,
    type=int,
    envvar=_env("SEED"),
    help="Seed of the workspace, latency jitter and faults.",
)
@click.option(
    "--rate",
    default=DEFAULT_RATE,
    show_default=True,
    type=float,
    envvar=_env("RATE"),
    help="Average requests/second per token (0 or 'inf': no limit).",
)
@click.option(
    "--burst",
    default=DEFAULT_BURST,
    show_default=True,
    type=click.IntRange(min=1),
    envvar=_env("BURST"),
    help="Requests a token may send at once.",
)
@click.option(
    "--latency-ms",
    default=0.0,
    show_default=True,
    type=click.FloatRange(min=0),
    envvar=_env("LATENCY_MS"),
    help="Mean added latency (jitter +/- a third).",
)
@click.option(
    "--fault-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    envvar=_env("FAULT_RATE"),
    help="Share of requests answering 500/502/503/504/529.",
)
@click.option(
    "--token",
    default="secret-sandbox-token",
    show_default=True,
    envvar=_env("TOKEN"),
    help="Integration token the sandbox accepts.",
)
@click.option(
    "--file-url-ttl",
    default=3600.0,
    show_default=True,
    type=click.FloatRange(min=0.001),
    envvar=_env("FILE_URL_TTL"),
    help="Seconds a Notion-hosted file URL stays valid.",
)
def sandbox(
    host: str,
    port: int,
    pages: int,
    seed: int,
    rate: float,
    burst: int,
    latency_ms: float,
    fault_rate: float,
    token: str,
    file_url_ttl: float,
) -> None:
    """Serve a local Notion API (version 2025-09-03) over a generated workspace."""
    config = SandboxConfig(
        pages=pages,
        seed=seed,
        rate=math.inf if rate <= 0 else rate,
        burst=burst,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        token=token,
        file_url_ttl=file_url_ttl,
        host=host,
        port=port,
    )
    asyncio.run(_serve(config))


if __name__ == "__main__":
    sandbox()
