"""Everything one sandbox server knows: the workspace, caches, limiter, faults, stats.

Handlers in :mod:`.api` and the app in :mod:`.server` share one :class:`SandboxState`.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from typing import Any

import orjson

from .blocks import Block, PageTree, build_tree
from .clock import Clock, SystemClock
from .config import PRIMARY_INTEGRATION, SandboxConfig
from .errors import not_found, validation_error
from .faults import FaultInjector
from .files import FileRef, FileSigner
from .generator import DatabaseNode, DataSourceNode, PageNode, Workspace, build_workspace
from .ids import Kind, dashed, decode_id, digest, normalize_id
from .ratelimit import RateLimiter
from .stats import Stats

__all__ = ["SandboxState"]

#: Page trees kept in memory; enough for a client walking pages with some concurrency,
#: small enough that RSS stays flat for any workspace size.
TREE_CACHE_SIZE = 256


class SandboxState:
    """Shared state of one integration of a sandbox server: its workspace and budget.

    :param config: the integration's configuration.
    :param clock: time source for rate limits and file expiry (real time by default).
    :param name: the integration's name in the per-integration stats.
    :param stats: the server's counters, shared by its integrations (new ones by default).
    :param faults: the server's fault injector, shared likewise.
    """

    def __init__(
        self,
        config: SandboxConfig,
        clock: Clock | None = None,
        *,
        name: str = PRIMARY_INTEGRATION,
        stats: Stats | None = None,
        faults: FaultInjector | None = None,
    ) -> None:
        self.config = config
        self.name = name
        self.clock: Clock = clock or SystemClock()
        self.ws: Workspace = build_workspace(config.seed, config.pages)
        self.stats = Stats() if stats is None else stats
        self.limiter = RateLimiter(config.rate, config.burst, self.clock)
        self.faults = (
            FaultInjector(config.seed, config.fault_rate, self.clock) if faults is None else faults
        )
        self.signer = FileSigner(
            digest(config.seed, "file-secret").to_bytes(8, "big") * 4, config.file_url_ttl
        )
        self.base_url = ""
        self._trees: OrderedDict[int, PageTree] = OrderedDict()
        self._trees_lock = threading.Lock()
        self._latency_rng = random.Random(f"{config.seed}:latency")
        self._request_no = 0
        self._search_cache: OrderedDict[str, list[tuple[int, Kind, int]]] = OrderedDict()
        self._showcase_original: str | None = None

    # -- JSON ---------------------------------------------------------------------------
    def _default(self, obj: Any) -> Any:
        if isinstance(obj, FileRef):
            return self.signer.render(obj, self.base_url, self.clock.now())
        raise TypeError(f"cannot serialise {type(obj).__name__}")

    def dumps(self, body: Any) -> bytes:
        """Serialise a response body, signing file URLs as of now."""
        return orjson.dumps(body, default=self._default)

    # -- per-request helpers ------------------------------------------------------------
    def next_request_id(self) -> str:
        """A fresh request id (UUID-shaped, like Notion's)."""
        self._request_no += 1
        n = self._request_no
        return dashed(
            f"{digest(self.config.seed, 'rid', n):016x}{digest(self.config.seed, 'rid2', n):016x}"
        )

    def next_latency(self) -> float:
        """Seconds of injected latency for the next request: mean +/- a third."""
        mean = self.config.latency_ms / 1000.0
        if mean <= 0:
            return 0.0
        return mean * (1.0 + self._latency_rng.uniform(-1 / 3, 1 / 3))

    # -- lookups ------------------------------------------------------------------------
    def parse_id(self, raw: str, where: str) -> tuple[str, tuple[Kind, int, int] | None]:
        """Validate a path/body id (dashes optional) and decode it."""
        hex32 = normalize_id(raw)
        if hex32 is None:
            raise validation_error(
                f"path failed validation: path.{where} should be a valid "
                f"uuid, instead was `{raw!r}`."
            )
        return dashed(hex32), decode_id(self.config.seed, hex32)

    def shared_page(self, raw: str, where: str = "page_id") -> PageNode:
        """The shared page with id ``raw``; 400 for a database's id (as Notion words it),
        else 404."""
        object_id, decoded = self.parse_id(raw, where)
        if decoded and decoded[0] == Kind.PAGE and decoded[1] < len(self.ws.pages):
            page = self.ws.pages[decoded[1]]
            if page.shared:
                return page
        if decoded and decoded[0] == Kind.DATABASE and decoded[1] < len(self.ws.databases):
            raise validation_error(
                f"Provided ID {object_id} is a database, not a page. Use the retrieve "
                "database API instead: https://developers.notion.com/reference/retrieve-a-database."
            )
        raise not_found("page", object_id)

    def database(self, raw: str) -> DatabaseNode:
        """The database with id ``raw``, or 404."""
        object_id, decoded = self.parse_id(raw, "database_id")
        if decoded and decoded[0] == Kind.DATABASE and decoded[1] < len(self.ws.databases):
            return self.ws.databases[decoded[1]]
        raise not_found("database", object_id)

    def data_source(self, raw: str) -> DataSourceNode:
        """The data source with id ``raw``, or 404."""
        object_id, decoded = self.parse_id(raw, "data_source_id")
        if decoded and decoded[0] == Kind.DATA_SOURCE and decoded[1] < len(self.ws.data_sources):
            return self.ws.data_sources[decoded[1]]
        raise not_found("data_source", object_id)

    def showcase_original(self) -> str | None:
        """Id of the synced_block original that synced references point to."""
        if self._showcase_original is None:
            tree = self._build(self.ws.showcase_idx, None)
            for block in tree.top:
                if block.type == "synced_block" and block.synced_from is None:
                    self._showcase_original = block.id
                    break
        return self._showcase_original

    def _build(self, page_idx: int, original: str | None) -> PageTree:
        return build_tree(self.ws, page_idx, original)

    def tree(self, page_idx: int) -> PageTree:
        """The (cached) block tree of page ``page_idx``."""
        with self._trees_lock:
            cached = self._trees.get(page_idx)
            if cached is not None:
                self._trees.move_to_end(page_idx)
                return cached
        original = (
            self.showcase_original() if self.ws.pages[page_idx].special == "synced_ref" else None
        )
        tree = self._build(page_idx, original)
        with self._trees_lock:
            self._trees[page_idx] = tree
            while len(self._trees) > TREE_CACHE_SIZE:
                self._trees.popitem(last=False)
        return tree

    def find_block(self, page_idx: int, block_id: str) -> Block | None:
        """A content block of a page by id."""
        return self.tree(page_idx).index.get(block_id)

    def children_of(self, block: Block) -> list[Block]:
        """A block's children; a synced reference shows its original's children."""
        if block.synced_from:
            decoded = decode_id(self.config.seed, block.synced_from)
            if decoded:
                original = self.find_block(decoded[1], block.synced_from)
                if original is not None:
                    return original.children
        return block.children

    def search_entries(
        self, query: str, kind: Kind | None, ascending: bool
    ) -> list[tuple[int, Kind, int]]:
        """Search hits in order (cached per query, so paging through them is cheap)."""
        key = f"{query}\x1f{kind}\x1f{ascending}"
        with self._trees_lock:
            hit = self._search_cache.get(key)
        if hit is not None:
            return hit
        needle = query.casefold().strip()
        out = []
        for entry in self.ws.search_order:
            if kind is not None and entry[1] != kind:
                continue
            if needle:
                title = (
                    self.ws.pages[entry[2]].title
                    if entry[1] == Kind.PAGE
                    else self.ws.data_sources[entry[2]].title
                )
                if needle not in title.casefold():
                    continue
            out.append(entry)
        if ascending:
            out.reverse()
        with self._trees_lock:
            self._search_cache[key] = out
            while len(self._search_cache) > 64:
                self._search_cache.popitem(last=False)
        return out
