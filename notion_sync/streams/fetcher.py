"""The fetcher: runs fetch tasks against Notion under the integration's rate budget.

Fetch tasks are keyed by integration, so the worker that owns a partition owns
that integration's token bucket; tasks run concurrently up to a bound so latency
does not cap throughput. For each task it sends, in this order and waiting for
Kafka each time: the documents it discovered (to export-events), their fetch
tasks, then the document's chunks and its DocumentComplete (to entities). The
ordering is what lets the ledger know an export is finished.

The ``planned`` table (changelogged, co-partitioned with fetch-tasks) remembers
per export which documents already have a task, and where search has got to, so
discovery is deduplicated and the listing goes on from its cursor, a page per task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import faust
import orjson

from notion_sync.core import metrics
from notion_sync.core.config import Settings, resolve_token
from notion_sync.core.errors import ConfigError, Forbidden, NotFound, NotionError, Unauthorized
from notion_sync.core.logs import current_export
from notion_sync.kafka import table_store
from notion_sync.kafka.events import Emitter, now_ms
from notion_sync.kafka.tables import delete_export_entries, export_entries, set_entries
from notion_sync.notion.client import NotionGateway
from notion_sync.store.chunks import encode_part
from notion_sync.store.documents import STATE_DIR, DocumentStore
from notion_sync.store.files import FileStore
from notion_sync.streams.listing import Listing, Step, next_step
from notion_sync.streams.reader import (
    Discovered,
    Piece,
    read_data_source,
    read_database,
    read_page,
    read_users,
)
from notion_sync.streams.tasks import child_task, scheduled_record, task_record

__all__ = ["Fetcher", "register_fetcher"]

log = logging.getLogger(__name__)

_SEARCH_KINDS = {"page": "page", "data_source": "data_source", "database": "database"}


def _state_root(out_dir: str) -> Path:
    return Path(out_dir) / STATE_DIR


async def _one(piece: Piece) -> AsyncIterator[Piece]:
    yield piece


class Fetcher:
    def __init__(self, app: faust.App, emitter: Emitter, settings: Settings) -> None:
        self.emitter = emitter
        self.settings = settings
        self.app = app
        self.planned = app.Table(
            "fetch-planned",
            default=None,
            partitions=settings.kafka.fetch_partitions,
            store=table_store.URL,
        )
        self._gateways: dict[str, NotionGateway] = {}
        #: Documents being tasked: another task must not task them before the table says so.
        self._claimed: set[str] = set()
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

    def _search_done(self, task: dict[str, Any]) -> bool:
        if task["mode"] == "roots":
            return True
        state = self.planned.get(f"search/{task['export_id']}")
        return bool(state and state.get("done"))

    async def schedule(self, task: dict[str, Any], found: list[Discovered]) -> None:
        """Owe and task newly found documents; while search runs, unlisted ones wait for it."""
        export_id = task["export_id"]
        search_done = self._search_done(task)
        owed: list[tuple[str, str]] = []
        tasks: list[dict[str, Any]] = []
        table_updates: dict[str, str] = {}
        for item in found:
            key = f"{export_id}/{item.id}"
            state = self.planned.get(key)
            if state == "tasked" or key in self._claimed:
                continue
            if item.listed is None and not search_done:
                if state is None and key not in table_updates:
                    owed.append((item.id, item.kind))
                    table_updates[key] = f"deferred:{item.kind}"
                continue
            if state is None:
                owed.append((item.id, item.kind))
            self._claimed.add(key)
            table_updates[key] = "tasked"
            tasks.append(child_task(task, item.kind, item.id, item.listed))
        if owed:
            await self.emitter.event(
                export_id, "DocumentsScheduled", scheduled_record(export_id, owed)
            )
        if tasks:
            await self.emitter.send_all(
                self.emitter.fetch, [(t["token_ref"], "FetchTask", t) for t in tasks]
            )
        await set_entries(self.app, self.planned, table_updates.items())
        self._claimed.difference_update(table_updates)  # the table answers from now on
        metrics.TRACKED_DOCUMENTS.labels("planned").set(len(self.planned))

    async def search(self, task: dict[str, Any], gateway: NotionGateway, offset: int) -> None:
        """List one page of the workspace and hand the listing on (see :mod:`streams.listing`)."""
        export_id = task["export_id"]
        state_key = f"search/{export_id}"
        state = Listing.from_entry(self.planned.get(state_key), offset)
        step = next_step(state, task["cursor"], offset)
        if step is Step.DROP:
            log.info("export %s: dropped a copy of a search task (offset %s)", export_id, offset)
            return
        if step is Step.LIST:
            state = state.claimed(offset)
            self.planned[state_key] = state.entry()
            page = await gateway.search(state.cursor)
            found = [
                Discovered(str(obj["id"]), _SEARCH_KINDS[obj["object"]], obj)
                for obj in page.get("results") or []
                if obj.get("object") in _SEARCH_KINDS
                and not obj.get("in_trash")
                and not obj.get("archived")
            ]
            await self.schedule(task, found)
            state = state.listed(page)
            self.planned[state_key] = state.entry()
        if not state.done:
            next_page = task_record(task, "search", cursor=state.cursor)
            await self.emitter.send(self.emitter.fetch, task["token_ref"], "FetchTask", next_page)
            return
        deferred = [
            (key, value.split(":", 1)[1])
            for key, value in export_entries(self.planned, export_id)
            if isinstance(value, str) and value.startswith("deferred:")
        ]
        if deferred:
            await self.emitter.send_all(
                self.emitter.fetch,
                [
                    (
                        task["token_ref"],
                        "FetchTask",
                        child_task(task, kind, key.split("/", 1)[1], None),
                    )
                    for key, kind in deferred
                ],
            )
            await set_entries(self.app, self.planned, ((key, "tasked") for key, _ in deferred))
        await self.emitter.event(
            export_id, "PlanningCompleted", {"export_id": export_id, "search_pages": state.pages}
        )

    def _unchanged(self, task: dict[str, Any], page: dict[str, Any]) -> Piece | None:
        """The stored page's child documents, if it has not been edited since it was written.

        Read from the page's index entry, not the page: a rerun of an unchanged
        workspace costs the listing, and the worker never loads the stored documents.
        """
        entry = DocumentStore(_state_root(task["out_dir"])).entry(task["object_id"])
        if (
            entry is None
            or entry["last_edited_time"] != page.get("last_edited_time")
            or "child_databases" not in entry  # written before entries listed them
        ):
            return None
        databases = set(entry["child_databases"])
        return Piece(
            discovered=[
                Discovered(child, "database" if child in databases else "page")
                for child in entry["children"]
            ]
        )

    async def collect(
        self, task: dict[str, Any], gateway: NotionGateway
    ) -> tuple[str, AsyncIterator[Piece]]:
        """Start a task: its outcome, and the pieces it reads (a document if "assembled")."""
        kind = task["kind"]
        files = FileStore(_state_root(task["out_dir"]))
        listed = orjson.loads(task["listed"]) if task["listed"] else None
        object_id = task["object_id"]
        if kind == "users":
            return "assembled", read_users(gateway)
        if kind == "page":
            page = listed if listed is not None else await gateway.retrieve_page(object_id)
            reused = self._unchanged(task, page)
            if reused is not None:
                return "unchanged", _one(reused)
            return "assembled", read_page(
                gateway,
                page,
                files,
                include_comments=task["include_comments"],
                download_external=task["download_external"],
            )
        if kind == "data_source":
            return "assembled", read_data_source(
                gateway, object_id, listed, files, download_external=task["download_external"]
            )
        if kind == "database":
            return "expanded", read_database(gateway, object_id)
        raise ValueError(f"unknown fetch task kind {kind!r}")

    async def emit_document(self, task: dict[str, Any], pieces: AsyncIterator[Piece]) -> None:
        """Send a document's chunks piece by piece, then its DocumentComplete.

        Each piece's discoveries are owed and tasked before its chunks go out, and the
        chunks are acknowledged before the next piece is read: what the task holds is
        one piece and the producer's batches, however large the document.
        """
        base = {
            "export_id": task["export_id"],
            "document_id": task["object_id"],
            "document_kind": task["kind"],
            "out_dir": task["out_dir"],
        }
        key = task["object_id"]
        seq = blocks = files = 0
        async for piece in pieces:
            await self.schedule(task, piece.discovered)
            messages = []
            for part, value in piece.parts:
                for payload in encode_part(part, value):
                    chunk = {**base, "seq": seq, "part": part, "payload": payload}
                    messages.append((key, "EntityChunk", chunk))
                    seq += 1
            await self.emitter.send_all(self.emitter.entities, messages)
            blocks += piece.blocks
            files += piece.files
            for problem in piece.problems:
                log.warning("export %s: %s", task["export_id"], problem)
        complete = {**base, "chunks": seq, "blocks": blocks, "files": files}
        await self.emitter.send(self.emitter.entities, key, "DocumentComplete", complete)
        metrics.BLOCKS_FETCHED.inc(blocks)

    async def done(self, task: dict[str, Any], outcome: str, reason: str | None = None) -> None:
        kind = {"users": "users", "database": "database"}.get(task["kind"], task["kind"])
        await self.emitter.event(
            task["export_id"],
            "DocumentDone",
            {
                "export_id": task["export_id"],
                "document_id": task["object_id"] or "",
                "document_kind": kind,
                "outcome": outcome,
                "reason": reason,
            },
        )

    async def fail_export(self, task: dict[str, Any], reason: str, code: str) -> None:
        self._failed_exports.add(task["export_id"])
        await self.emitter.event(
            task["export_id"],
            "ExportFailed",
            {
                "export_id": task["export_id"],
                "finished_at": now_ms(),
                "reason": reason,
                "code": code,
            },
        )

    async def forget(self, export_id: str) -> None:
        """The export has ended: drop its planning state, so the table holds running exports."""
        await delete_export_entries(self.app, self.planned, export_id)
        if f"search/{export_id}" in self.planned:
            del self.planned[f"search/{export_id}"]
        metrics.TRACKED_DOCUMENTS.labels("planned").set(len(self.planned))
        self._failed_exports.discard(export_id)
        for gateway in self._gateways.values():
            gateway.forget_export(export_id)

    async def handle(self, event: faust.types.EventT, task: dict[str, Any]) -> None:
        export_id = task["export_id"]
        if task["kind"] == "forget":
            await self.forget(export_id)
            return
        current_export.set(export_id)
        if export_id in self._failed_exports:
            if task["kind"] not in ("search",):
                await self.done(task, "skipped", "the export has failed")
            return
        try:
            gateway = self.gateway(task["token_ref"])
        except ConfigError as exc:
            await self.fail_export(task, str(exc), "unknown_token_ref")
            return
        metrics.TASKS_IN_FLIGHT.inc()
        try:
            if task["kind"] == "search":
                await self.search(task, gateway, event.message.offset)
                return
            outcome, pieces = await self.collect(task, gateway)
            if outcome == "assembled":
                await self.emit_document(task, pieces)
            else:
                async for piece in pieces:
                    await self.schedule(task, piece.discovered)
                await self.done(task, outcome)
        except Unauthorized as exc:
            await self.fail_export(task, str(exc), "unauthorized")
        except (NotFound, Forbidden) as exc:
            if task["kind"] == "search":
                await self.fail_export(task, f"search failed: {exc}", "search_failed")
            else:
                await self.done(task, "skipped", str(exc))
        except Exception as exc:
            if self.stopping:
                # Not the task's fault: leave it unacked, so it runs again after a restart.
                raise asyncio.CancelledError(f"worker stopping: {exc}") from exc
            reason = f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, NotionError):
                log.exception(
                    "export %s: task %s %s failed", export_id, task["kind"], task["object_id"]
                )
            await self.emitter.dead_letter(event, reason, exc)
            if task["kind"] == "search":
                await self.fail_export(task, f"search failed: {reason}", "search_failed")
            else:
                await self.done(task, "failed", reason)
        finally:
            metrics.TASKS_IN_FLIGHT.dec()
            if not self.stopping:
                await self.report_traffic(export_id, gateway)

    async def report_traffic(self, export_id: str, gateway: NotionGateway) -> None:
        stats = gateway.export_stats(export_id).take()
        if not (stats.requests or stats.rate_limited or stats.retries):
            return
        await self.emitter.event(
            export_id,
            "FetchStats",
            {
                "export_id": export_id,
                "requests": stats.requests,
                "rate_limited": stats.rate_limited,
                "retries": stats.retries,
                "waited_seconds": stats.waited_seconds,
                "circuit": gateway.breaker.state.name.lower(),
            },
        )


def register_fetcher(app: faust.App, emitter: Emitter, settings: Settings) -> Fetcher:
    fetcher = Fetcher(app, emitter, settings)

    @app.agent(emitter.fetch, name="fetcher", concurrency=settings.notion.task_concurrency)
    async def fetch(stream: faust.StreamT[bytes]) -> None:
        async for event, decoded in emitter.decoded(stream, ["FetchTask"]):
            await fetcher.handle(event, decoded.record)

    return fetcher
