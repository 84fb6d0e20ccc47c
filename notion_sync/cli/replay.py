"""``notion-sync replay``: re-render a finished export into other formats, with no Notion request.

The source is the retained entities topic (read with a throwaway consumer, so
no consumer group is joined or committed); when the broker or the export's
messages are gone, it is the export's lossless store on disk
(``<original out>/.notion-sync``). The command says which one it used, and so
does the manifest it writes.
"""

from __future__ import annotations

from pathlib import Path

import click

from notion_sync.cli.common import CliContext, fail, resolve_broker
from notion_sync.cli.options import (
    broker_option,
    formats_option,
    log_level_option,
    markdown_options,
    markdown_overrides,
    out_option,
)
from notion_sync.core.config import MarkdownSettings
from notion_sync.core.errors import BrokerError, NotionSyncError
from notion_sync.core.kafka_settings import KafkaSecurity
from notion_sync.kafka.topics import TopicNames
from notion_sync.sinks.replay import (
    ExportRecord,
    ReplayResult,
    TopicIncomplete,
    choose_export,
    link_files,
    read_exports,
    render_replay,
    replay_from_disk,
    replay_from_topic,
)
from notion_sync.store.documents import STATE_DIR, DocumentStore
from notion_sync.store.files import FileStore

__all__ = ["replay"]


def _from_topic(
    bootstrap: str,
    names: TopicNames,
    export: ExportRecord,
    exports: dict[str, ExportRecord],
    formats: list[str],
    out_dir: Path,
    timeout: float,
    markdown: MarkdownSettings,
    security: KafkaSecurity,
) -> ReplayResult:
    store_root = out_dir / STATE_DIR
    store = DocumentStore(store_root)
    result = replay_from_topic(
        bootstrap, names.entities, export, exports, store, timeout=timeout, security=security
    )
    files = FileStore(store_root)
    original = FileStore(Path(export.out_dir or ".") / STATE_DIR)
    result.files_linked, result.files_missing = link_files(store, original, files, store.ids())
    result.detail = {"topic": names.entities, "broker": bootstrap}
    return render_replay(
        store,
        files,
        formats,
        out_dir,
        result,
        export=export,
        only=export.included(),
        markdown=markdown,
    )


@click.command()
@broker_option
@click.option("--export-id", help="The export to replay.")
@click.option("--latest", is_flag=True, help="Replay the latest completed export.")
@click.option("--token-ref", help="With --latest: the workspace (credential name) to pick.")
@formats_option
@out_option("Directory for the re-rendered trees (a new one is best).")
@click.option(
    "--from",
    "from_dir",
    type=click.Path(path_type=Path),
    help="The export's original output directory, for when the topics are gone.",
)
@click.option(
    "--timeout",
    type=float,
    default=300.0,
    show_default=True,
    help="Give up reading the topics after SECONDS.",
)
@markdown_options
@log_level_option
@click.pass_obj
def replay(
    ctx: CliContext,
    broker: str | None,
    export_id: str | None,
    latest: bool,
    token_ref: str | None,
    formats: list[str],
    out_dir: Path,
    from_dir: Path | None,
    timeout: float,
    front_matter: str | None,
    title_heading: bool | None,
) -> None:
    """Re-render an export from the retained topics (else its store on disk); no Notion requests."""
    if (export_id is None) == (not latest):
        raise click.UsageError("give exactly one of --export-id ID and --latest")
    wanted = formats
    try:
        settings = ctx.settings(
            kafka={"broker": broker} if broker else {},
            markdown=markdown_overrides(front_matter, title_heading),
        )
    except NotionSyncError as exc:
        raise fail(exc) from exc
    names = TopicNames(settings.kafka.topic_prefix)
    out_dir.mkdir(parents=True, exist_ok=True)
    export: ExportRecord | None = None
    result: ReplayResult | None = None
    reason: str | None = None
    try:
        bootstrap = resolve_broker(settings, start=False).bootstrap
    except click.ClickException as exc:
        reason = exc.message
    except BrokerError as exc:
        reason = str(exc)
    else:
        try:
            security = settings.kafka.security
            exports = read_exports(
                bootstrap, names.events, timeout=min(timeout, 10.0), security=security
            )
            export = choose_export(exports, export_id=export_id, token_ref=token_ref)
            result = _from_topic(
                bootstrap,
                names,
                export,
                exports,
                wanted,
                out_dir,
                timeout,
                settings.markdown,
                security,
            )
        except (BrokerError, TopicIncomplete) as exc:
            reason = str(exc)
        except NotionSyncError as exc:
            raise fail(exc) from exc
    if result is None:
        original = from_dir or (Path(export.out_dir) if export and export.out_dir else None)
        if original is None:
            raise click.ClickException(
                f"cannot replay from the topics ({reason}); pass --from ORIGINAL_OUT_DIR "
                "to replay from the export's store on disk"
            )
        try:
            result = replay_from_disk(
                original,
                wanted,
                out_dir,
                export=export,
                reason=reason or "topics unavailable",
                markdown=settings.markdown,
            )
        except NotionSyncError as exc:
            raise fail(exc) from exc
        source = f"disk store {original / STATE_DIR} (topics unavailable: {reason})"
    else:
        source = f"topic {names.entities} ({result.chunks} chunks, {result.bytes_read} bytes)"
    written = ", ".join(f"{fmt} {n}" for fmt, n in sorted(result.report.written.items()))
    click.echo(f"replayed export {result.export_id or '?'} from {source}")
    click.echo(
        f"  {result.documents} documents in {result.seconds:.1f}s into {out_dir}: "
        f"{written or 'nothing written'}; 0 Notion requests"
    )
    if result.files_missing:
        click.echo(
            f"  {result.files_missing} downloaded files were missing from the original "
            "file store; they link to their (expired) URLs"
        )
    for doc_id, problem in sorted(result.report.problems.items()):
        click.echo(f"  problem {doc_id}: {problem}")
