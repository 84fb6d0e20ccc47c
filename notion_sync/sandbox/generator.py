"""The skeleton of a generated workspace: users, the page tree, databases and data sources.

Only what must be known globally is held here, compactly (one slotted record per page):
ids, titles, parents, sharing, timestamps and the planned size of each page. Block
content, property values and comments are derived on request from per-object seeds by
:mod:`.blocks`, :mod:`.properties` and :mod:`.comments`, so a 100,000-page workspace costs
tens of megabytes, not gigabytes.

The tree is built so that every edge case an exporter must survive exists at every size:
a chain six pages deep, pages with 0, exactly 100 and exactly 101 top-level blocks, pages
with 2,000+ blocks, pages not shared with the integration, shared pages that search does
not return, hostile titles, and databases with one or two data sources.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .ids import Kind, digest, encode_id

__all__ = [
    "HOSTILE_TITLES",
    "DataSourceNode",
    "DatabaseNode",
    "PageNode",
    "UserNode",
    "Workspace",
    "build_workspace",
]

#: 2024-01-01T00:00:00Z: generated timestamps lie in the two years after it.
EPOCH = 1_704_067_200
HUGE_TOP_LEVEL = 2_050
PERSON_NAMES = [
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Katherine Johnson",
    "Linus Torvalds",
    "Margaret Hamilton",
    "Donald Knuth",
    "Barbara Liskov",
]
WORKSPACE_NAME = "Sandbox Workspace"

HOSTILE_TITLES = [
    "🚀 Launch plan 🎉 — Q3",
    "مرحبا بالعالم: خطة المشروع",
    "שלום עולם",
    "Long " + "title " * 59,  # 300 characters
    "Meeting notes",
    "Meeting notes",
    "Meeting notes",
    "a/b/c",
    "Re: Q3: plan",
    "..",
    ".",
    "CON",
    "nul.txt",
    "<script>alert(1)</script>",
    "  leading and trailing spaces  ",
    "",  # an untitled page: its title array is empty
    "Tab\there & new\nline",
    'C:\\Windows\\path?*|"<>',
    "ünïcödé ÑFC vs NFD e\u0301",
    "AUX.md",
]

TITLE_WORDS = [
    "Roadmap",
    "Budget",
    "Retro",
    "Design",
    "Spec",
    "Hiring",
    "Goals",
    "Notes",
    "Research",
    "Onboarding",
    "Runbook",
    "Incident",
    "Postmortem",
    "Backlog",
    "Sprint",
    "Launch",
    "Wiki",
    "Handbook",
    "Journal",
    "Ideas",
    "Experiments",
    "Metrics",
    "Contracts",
    "Vendors",
    "Travel",
    "Recipes",
    "Reading",
]


@dataclass(slots=True)
class UserNode:
    """A workspace member or bot."""

    idx: int
    id: str
    type: str  # "person" | "bot"
    name: str
    email: str | None


@dataclass(slots=True)
class PageNode:
    """One page (a regular page or a data source row), without its content."""

    idx: int
    id: str
    title: str
    parent_kind: str  # "workspace" | "page" | "block" | "data_source"
    parent_idx: int  # page index for "page" and "block" (the block lives in that page)
    depth: int
    shared: bool
    in_search: bool
    created: int
    edited: int
    created_by: int
    edited_by: int
    top_count: int  # generated top-level content blocks, child page/database blocks excluded
    special: str = ""
    child_pages: list[int] | None = None
    child_dbs: list[int] | None = None
    row_pos: int = -1
    #: How many of ``child_pages`` sit inside a toggle block rather than at the top level.
    block_children: int = 0

    @property
    def top_level_total(self) -> int:
        """Number of top-level children the page's children list returns."""
        nested = self.block_children
        return (
            self.top_count
            + len(self.child_pages or ())
            - nested
            + (1 if nested else 0)
            + len(self.child_dbs or ())
        )


@dataclass(slots=True)
class DatabaseNode:
    """A database: a container of one or more data sources."""

    idx: int
    id: str
    title: str
    parent_kind: str  # "workspace" | "page"
    parent_idx: int
    is_inline: bool
    created: int
    edited: int
    data_sources: list[int] = field(default_factory=list)


@dataclass(slots=True)
class DataSourceNode:
    """A data source: a table of rows with its own property schema."""

    idx: int
    id: str
    title: str
    database_idx: int
    created: int
    edited: int
    relation_target: int
    rows: list[int] = field(default_factory=list)


@dataclass
class Workspace:
    """The generated workspace skeleton."""

    seed: int
    name: str
    bot_idx: int
    users: list[UserNode]
    pages: list[PageNode]
    databases: list[DatabaseNode]
    data_sources: list[DataSourceNode]
    showcase_idx: int
    synced_ref_pages: list[int]
    many_comments_idx: int
    #: (last_edited_time, kind, idx) of every object search returns, newest first.
    search_order: list[tuple[int, Kind, int]]
    #: Memo of derived, immutable per-object data (e.g. data source schemas).
    memo: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False)

    def page_id(self, idx: int) -> str:
        """The id of page ``idx``."""
        return self.pages[idx].id


def _minute(ts: int) -> int:
    """Notion reports times at minute precision."""
    return ts - ts % 60


def _times(rng: random.Random) -> tuple[int, int]:
    created = _minute(EPOCH + rng.randrange(0, 2 * 365 * 86_400))
    edited = _minute(created + rng.randrange(0, 90 * 86_400))
    return created, edited


def _title(rng: random.Random, i: int) -> str:
    if rng.random() < 0.08:
        return HOSTILE_TITLES[rng.randrange(len(HOSTILE_TITLES))]
    return f"{rng.choice(TITLE_WORDS)} {rng.choice(TITLE_WORDS).lower()} {i}"


def build_workspace(seed: int, pages: int) -> Workspace:
    """Generate the skeleton of the workspace with ``pages`` page objects for ``seed``."""
    rng = random.Random(f"{seed}:skeleton")
    users = [
        UserNode(
            i,
            encode_id(seed, Kind.USER, i),
            "person",
            name,
            name.lower().replace(" ", ".") + "@example.com",
        )
        for i, name in enumerate(PERSON_NAMES)
    ]
    bot_idx = len(users)
    users.append(
        UserNode(
            bot_idx,
            encode_id(seed, Kind.USER, bot_idx),
            "bot",
            "notion-sync sandbox integration",
            None,
        )
    )
    users.append(
        UserNode(
            bot_idx + 1, encode_id(seed, Kind.USER, bot_idx + 1), "bot", "Another integration", None
        )
    )
    n_people = len(PERSON_NAMES)

    n_rows = pages * 3 // 10 if pages >= 20 else 0
    n_regular = pages - n_rows
    nodes: list[PageNode] = []
    forced_unshared = {n_regular - 1, n_regular - 3} if n_regular > 12 else set()
    forced_hidden = {n_regular - 2, n_regular - 4} if n_regular > 12 else set()
    forced_in_block = {n_regular - 5, n_regular - 4} if n_regular > 12 else set()
    for i in range(n_regular):
        created, edited = _times(rng)
        if i == 0:
            parent_kind, parent_idx, depth = "workspace", -1, 0
        elif i <= 5:
            parent_kind, parent_idx, depth = "page", i - 1, i
        elif rng.random() < 0.04:
            parent_kind, parent_idx, depth = "workspace", -1, 0
        else:
            while True:
                parent_idx = rng.randrange(max(0, i - 40), i)
                if nodes[parent_idx].shared:
                    break
            parent_kind, depth = "page", nodes[parent_idx].depth + 1
        shared = i <= 5 or not (i in forced_unshared or rng.random() < 0.02)
        # Some sub-pages live inside a toggle of their parent page (a block parent).
        if (
            parent_kind == "page"
            and i > 5
            and shared
            and (i in forced_in_block or rng.random() < 0.05)
        ):
            parent_kind = "block"
        in_search = shared and not (
            parent_kind in ("page", "block")
            and i > 5
            and (i in forced_hidden or rng.random() < 0.02)
        )
        title = HOSTILE_TITLES[i - 6] if 6 <= i < 6 + len(HOSTILE_TITLES) else _title(rng, i)
        node = PageNode(
            idx=i,
            id=encode_id(seed, Kind.PAGE, i),
            title=title,
            parent_kind=parent_kind,
            parent_idx=parent_idx,
            depth=depth,
            shared=shared,
            in_search=in_search,
            created=created,
            edited=edited,
            created_by=rng.randrange(n_people),
            edited_by=rng.randrange(n_people),
            top_count=rng.randint(3, 40),
        )
        nodes.append(node)
        if parent_kind in ("page", "block"):
            parent = nodes[parent_idx]
            if parent.child_pages is None:
                parent.child_pages = []
            parent.child_pages.append(i)
            if parent_kind == "block":
                parent.block_children += 1

    # Special sizes go to shared leaf pages that search returns, away from the deep chain.
    leaves = [
        n.idx
        for n in nodes
        if n.shared
        and n.in_search
        and not n.child_pages
        and n.idx > 5
        and not (6 <= n.idx < 6 + len(HOSTILE_TITLES))
    ]
    special_rng = random.Random(f"{seed}:specials")
    special_rng.shuffle(leaves)
    n_huge = max(1, min(25, pages // 2000))
    specials = ["empty", "empty", "exact100", "exact101", "many_comments"] + ["huge"] * n_huge
    for kind, idx in zip(specials, leaves, strict=False):
        node = nodes[idx]
        node.special = kind
        node.top_count = {"empty": 0, "exact100": 100, "exact101": 101, "huge": HUGE_TOP_LEVEL}.get(
            kind, node.top_count
        )
    showcase_idx = 1 if n_regular > 1 else 0
    nodes[showcase_idx].special = "showcase"
    nodes[showcase_idx].top_count = 60
    many_comments_idx = next((n.idx for n in nodes if n.special == "many_comments"), showcase_idx)
    synced_ref_pages = [i for i in (2, 3) if i < n_regular]
    for i in synced_ref_pages:
        nodes[i].special = "synced_ref"

    # Databases hang off ordinary shared pages (one at the workspace root).
    databases: list[DatabaseNode] = []
    data_sources: list[DataSourceNode] = []
    if n_rows:
        n_db = max(2, n_regular // 40)
        hosts = [n.idx for n in nodes if n.shared and n.special in ("", "showcase")]
        for d in range(n_db):
            created, edited = _times(rng)
            if d == n_db - 1 and n_db >= 3:
                parent_kind, parent_idx = "workspace", -1
            else:
                parent_kind, parent_idx = "page", hosts[0] if d == 0 else rng.choice(hosts)
            db = DatabaseNode(
                d,
                encode_id(seed, Kind.DATABASE, d),
                f"{rng.choice(TITLE_WORDS)} tracker {d}",
                parent_kind,
                parent_idx,
                rng.random() < 0.5,
                created,
                edited,
            )
            databases.append(db)
            if parent_kind == "page":
                host = nodes[parent_idx]
                if host.child_dbs is None:
                    host.child_dbs = []
                host.child_dbs.append(d)
            for s in range(2 if d % 3 == 1 else 1):
                ds_idx = len(data_sources)
                title = db.title if s == 0 else f"{db.title} (archive)"
                data_sources.append(
                    DataSourceNode(
                        ds_idx,
                        encode_id(seed, Kind.DATA_SOURCE, ds_idx),
                        title,
                        d,
                        created,
                        edited,
                        relation_target=0,
                    )
                )
                db.data_sources.append(ds_idx)
        # The first data source is big enough for relations with more than 25 (and, in big
        # workspaces, more than 100) targets; the last one stays empty.
        big = min(n_rows, 130 if n_rows >= 400 else 45)
        sizes = [big] + [0] * (len(data_sources) - 1)
        rest = n_rows - big
        others = max(1, len(data_sources) - 2)
        for k in range(rest):
            sizes[1 + k % others if len(data_sources) > 1 else 0] += 1
        row = n_regular
        for ds, size in zip(data_sources, sizes, strict=True):
            for pos in range(size):
                created, edited = _times(rng)
                title = _title(rng, row)
                nodes.append(
                    PageNode(
                        idx=row,
                        id=encode_id(seed, Kind.PAGE, row),
                        title=title,
                        parent_kind="data_source",
                        parent_idx=ds.idx,
                        depth=1,
                        shared=True,
                        in_search=True,
                        created=created,
                        edited=edited,
                        created_by=rng.randrange(n_people),
                        edited_by=rng.randrange(n_people),
                        top_count=rng.randint(0, 12),
                        row_pos=pos,
                    )
                )
                ds.rows.append(row)
                row += 1

    order: list[tuple[int, Kind, int]] = [
        (n.edited, Kind.PAGE, n.idx) for n in nodes if n.in_search
    ]
    order += [(ds.edited, Kind.DATA_SOURCE, ds.idx) for ds in data_sources]
    order.sort(key=lambda t: (-t[0], digest(seed, "order", int(t[1]), t[2])))
    return Workspace(
        seed,
        WORKSPACE_NAME,
        bot_idx,
        users,
        nodes,
        databases,
        data_sources,
        showcase_idx,
        synced_ref_pages,
        many_comments_idx,
        order,
    )
