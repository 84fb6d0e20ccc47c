"""The fetcher: runs fetch tasks against Notion under the integration's rate budget.

Fetch tasks are keyed by integration, so the worker that owns a partition owns
that integration's token bucket; tasks run concurrently up to a bound so latency
does not cap throughput. For each task it sends, in this order and waiting for
Kafka each time: the documents it discovered (to export-events), their fetch
tasks, then the document's chunks and its DocumentComplete (to entities). The
ordering is what lets the ledger know an export is finished.

This agent only reads, sends and writes; what to send and write is decided by pure
state machines: :mod:`~notion_sync.streams.scheduling` (discovered documents, deduplicated
per export through the ``fetch-planned`` table), :mod:`~notion_sync.streams.listing`
(search, a page per task), :mod:`~notion_sync.streams.failure_policy` and
:mod:`~notion_sync.streams.traffic`; what a root the user named is, by
:mod:`~notion_sync.streams.roots`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import cast

import faust
import orjson

from notion_sync.core import metrics
from notion_sync.core.config import Settings, resolve_token
from notion_sync.core.errors import ConfigError
from notion_sync.core.logs import current_export
from notion_sync.core.records import (
    DocumentDone,
    DocumentKind,
    ExportFailed,
    FetchTask,
    Outcome,
    TaskKind,
)
from notion_sync.kafka import table_store
from notion_sync.kafka.events import Emitter, now_ms
from notion_sync.notion.client import NotionGateway
from notion_sync.store.documents import STATE_DIR, DocumentStore
from notion_sync.store.files import FileStore
from notion_sync.streams.failure_policy import on_error, on_failed_export, on_unknown_token
from notion_sync.streams.listing import Step, after_listing, found_on, search_ended, search_step
from notion_sync.streams.planned import PlannedTable
from notion_sync.streams.reader import Piece, read_data_source, read_database, read_page, read_users
from notion_sync.streams.roots import resolve_root
from notion_sync.streams.scheduling import (
    Discovered,
    InFlight,
    deferred_documents,
    keep_write,
    schedule,
    settle,
)
from notion_sync.streams.task_results import document_complete, document_done, entity_chunks
from notion_sync.streams.tasks import ROOT
from notion_sync.streams.traffic import traffic_report

__all__ = ["Fetcher", "register_fetcher"]

log = logging.getLogger(__name__)


def _state_root(out_dir: str) -> Path:
    return Path(out_dir) / STATE_DIR


async def _one(piece: Piece) -> AsyncIterator[Piece]:
    yield piece


class Fetcher:
    def __init__(self, app: faust.App, emitter: Emitter, settings: Settings) -> None:
        self.emitter = emitter
        self.settings = settings
        table = app.Table(
            "fetch-planned",
            default=None,
            partitions=settings.kafka.topics.fetch_tasks.partitions,
            store=table_store.URL,
        )
        self.planned = PlannedTable(app, table)
        self._gateways: dict[str, NotionGateway] = {}
        self.in_flight = InFlight()
        self._failed_exports: set[str] = set()
        #: Set on shutdown: a task that breaks from then on is handed back, not failed.
        self.stopping = False

    def gateway(self, token_ref: str) -> NotionGateway:
        gateway = self._gateways.get(token_ref)
        if gateway is None:
            token = resolve_token(self.settings.notion, token_ref)
            gateway = self._gateways[token_ref] = NotionGateway(
                self.settings.notion, token, token_ref
            )
        return gateway

    async def close(self) -> None:
        self.stopping = True
        for gateway in self._gateways.values():
            await gateway.aclose()

    async def schedule(self, task: FetchTask, found: Sequence[Discovered]) -> None:
        """Owe, task and record what ``task`` found (see :mod:`streams.scheduling`)."""
        if not found:
            return
        search_done = search_ended(task, self.planned.listing(task.export_id))
        self.in_flight, scheduled = schedule(
            self.in_flight, task, found, self.planned.document, search_done=search_done
        )
        try:
            if scheduled.owed is not None:
                await self.emitter.announce(scheduled.owed)
            if scheduled.tasks:
                await self.emitter.publish(
                    self.emitter.fetch, [(child.token_ref, child) for child in scheduled.tasks]
                )
            # Decided as each batch is written: another task may task a deferral meanwhile.
            await self.planned.write(
                (key, value)
                for key, value in scheduled.writes.items()
                if keep_write(self.in_flight, key, value, self.planned.document)
            )
        finally:
            self.in_flight = settle(self.in_flight, scheduled)
        metrics.TRACKED_DOCUMENTS.labels("planned").set(len(self.planned))

    async def search(self, task: FetchTask, gateway: NotionGateway, offset: int) -> None:
        """List one page of the workspace and hand the listing on (see :mod:`streams.listing`)."""
        export_id = task.export_id
        step = search_step(self.planned.listing(export_id), task, offset)
        if step.step is Step.DROP:
            log.info("export %s: dropped a copy of a search task (offset %s)", export_id, offset)
            return
        listing = step.listing
        if step.step is Step.LIST:
            self.planned.set_listing(export_id, listing)
            page = await gateway.search(listing.cursor)
            await self.schedule(task, found_on(page))
            listing = listing.listed(page)
            self.planned.set_listing(export_id, listing)
        after = after_listing(task, listing)
        if isinstance(after, FetchTask):
            await self.emitter.publish(self.emitter.fetch, [(after.token_ref, after)])
            return
        await self.schedule(
            task, deferred_documents(self.in_flight, export_id, self.planned.deferred(export_id))
        )
        await self.emitter.announce(after)

    def _unchanged(self, task: FetchTask, page_id: str, page: dict[str, object]) -> Piece | None:
        """The stored page's child documents, if it has not been edited since it was written.

        Read from the page's index entry, not the page: a rerun of an unchanged
        workspace costs the listing, and the worker never loads the stored documents.
        """
        entry = DocumentStore(_state_root(task.out_dir)).entry(page_id)
        if entry is None or entry["last_edited_time"] != page.get("last_edited_time"):
            return None
        databases = set(entry["child_databases"])
        return Piece(
            discovered=[
                Discovered(
                    child, DocumentKind.DATABASE if child in databases else DocumentKind.PAGE
                )
                for child in entry["children"]
            ]
        )

    async def collect(
        self, task: FetchTask, gateway: NotionGateway
    ) -> tuple[Outcome, AsyncIterator[Piece]]:
        """Start a task: its outcome, and the pieces it reads (a document if assembled)."""
        kind, object_id = task.kind, task.object_id or ""
        files = FileStore(_state_root(task.out_dir))
        listed = orjson.loads(task.listed) if task.listed else None
        if kind is TaskKind.USERS:
            return Outcome.ASSEMBLED, read_users(gateway)
        if kind is TaskKind.PAGE:
            page = listed if listed is not None else await gateway.retrieve_page(object_id)
            reused = self._unchanged(task, object_id, page)
            if reused is not None:
                return Outcome.UNCHANGED, _one(reused)
            return Outcome.ASSEMBLED, read_page(
                gateway,
                page,
                files,
                include_comments=task.include_comments,
                download_external=task.download_external,
            )
        if kind is TaskKind.DATA_SOURCE:
            return Outcome.ASSEMBLED, read_data_source(
                gateway, object_id, listed, files, download_external=task.download_external
            )
        if kind is TaskKind.DATABASE:
            return Outcome.EXPANDED, read_database(gateway, object_id, listed)
        raise ValueError(f"unknown fetch task kind {kind!s}")

    async def emit_document(self, task: FetchTask, pieces: AsyncIterator[Piece]) -> None:
        """Send a document's chunks piece by piece, then its DocumentComplete.

        Each piece's discoveries are owed and tasked before its chunks go out, and the
        chunks are acknowledged before the next piece is read: what the task holds is
        one piece and the producer's batches, however large the document.
        """
        key = task.object_id or ""
        seq = blocks = files = 0
        async for piece in pieces:
            await self.schedule(task, piece.discovered)
            chunks = entity_chunks(task, piece.parts, seq)
            await self.emitter.publish(self.emitter.entities, [(key, chunk) for chunk in chunks])
            seq += len(chunks)
            blocks += piece.blocks
            files += piece.files
            for problem in piece.problems:
                log.warning("export %s: %s", task.export_id, problem)
        complete = document_complete(task, seq, blocks, files)
        await self.emitter.publish(self.emitter.entities, [(key, complete)])
        metrics.BLOCKS_FETCHED.inc(blocks)

    async def run(self, task: FetchTask, gateway: NotionGateway, offset: int) -> None:
        if task.kind is TaskKind.SEARCH:
            await self.search(task, gateway, offset)
            return
        if task.mode == ROOT:
            task = await resolve_root(gateway, task)
        outcome, pieces = await self.collect(task, gateway)
        if outcome is Outcome.ASSEMBLED:
            await self.emit_document(task, pieces)
            return
        async for piece in pieces:
            await self.schedule(task, piece.discovered)
        await self.emitter.announce(document_done(task, outcome))

    async def report(self, event: DocumentDone | ExportFailed) -> None:
        """Send a task's end; an ExportFailed also stops the export's other tasks here."""
        if isinstance(event, ExportFailed):
            self._failed_exports.add(event.export_id)
        await self.emitter.announce(event)

    async def forget(self, export_id: str) -> None:
        """The export has ended: drop its planning state, so the table holds running exports."""
        await self.planned.forget(export_id)
        metrics.TRACKED_DOCUMENTS.labels("planned").set(len(self.planned))
        self._failed_exports.discard(export_id)
        for gateway in self._gateways.values():
            gateway.forget_export(export_id)

    async def handle(self, event: faust.types.EventT, task: FetchTask) -> bool:
        """Run one task; False if it was handed back (the worker is stopping), so it stays
        unacked and runs again after a restart."""
        export_id = task.export_id
        if self.stopping:
            return False
        if task.kind is TaskKind.FORGET:
            await self.forget(export_id)
            return True
        current_export.set(export_id)
        if export_id in self._failed_exports:
            skipped = on_failed_export(task)
            if skipped is not None:
                await self.report(skipped)
            return True
        try:
            gateway = self.gateway(task.token_ref)
        except ConfigError as exc:
            await self.report(on_unknown_token(task, exc, now_ms()))
            return True
        metrics.TASKS_IN_FLIGHT.inc()
        try:
            await self.run(task, gateway, event.message.offset)
        except Exception as exc:
            handling = on_error(task, exc, stopping=self.stopping, now=now_ms())
            if handling.hand_back:
                log.info("export %s: task %s handed back (%s)", export_id, task.kind, exc)
                return False
            if handling.traceback:
                log.exception("export %s: task %s %s failed", export_id, task.kind, task.object_id)
            if handling.dead_letter is not None:
                await self.emitter.dead_letter(event, handling.dead_letter, exc)
            if handling.event is not None:
                await self.report(handling.event)
        finally:
            metrics.TASKS_IN_FLIGHT.dec()
            if not self.stopping:
                await self.report_traffic(export_id, gateway)
        return True

    async def report_traffic(self, export_id: str, gateway: NotionGateway) -> None:
        circuit = gateway.breaker.state.name.lower()
        stats = traffic_report(export_id, gateway.export_stats(export_id).take(), circuit)
        if stats is not None:
            await self.emitter.announce(stats)


def register_fetcher(app: faust.App, emitter: Emitter, settings: Settings) -> Fetcher:
    fetcher = Fetcher(app, emitter, settings)

    @app.agent(emitter.fetch, name="fetcher", concurrency=settings.notion.task_concurrency)
    async def fetch(stream: faust.StreamT[bytes]) -> None:
        async for event, decoded in emitter.decoded(stream, ["FetchTask"]):
            if not await fetcher.handle(event, cast(FetchTask, decoded.event)):
                # Stopping: leaving the loop here leaves the event unacked (the ack comes
                # after the loop body), and this actor takes no further task.
                return

    return fetcher
