"""Data source schemas and the property values of their rows.

Each data source uses every property type of API version 2025-09-03. A row's values derive
from ``random.Random(f"{seed}:props:{row_id}")``. :func:`row_values` returns the complete
values; :func:`truncate` applies Notion's rule that a page object shows at most 25
references per property (the rest come from the page property item endpoint).
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import quote

from .files import FileRef, iso
from .generator import DataSourceNode, PageNode, UserNode, Workspace
from .ids import Kind, encode_id
from .richtext import mention_item, text_item

__all__ = [
    "PAGINATED_TYPES",
    "REFERENCE_LIMIT",
    "ds_schema",
    "page_title_property",
    "row_values",
    "truncate",
    "user_object",
]

JSON = dict[str, Any]
REFERENCE_LIMIT = 25
#: Property types whose full value comes as a paginated list of property items.
PAGINATED_TYPES = ("title", "rich_text", "relation", "people", "rollup")
_ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:;<=>?@[]^_`{|}~"
OPTION_COLORS = [
    "default",
    "gray",
    "brown",
    "orange",
    "yellow",
    "green",
    "blue",
    "purple",
    "pink",
    "red",
]

#: (name, type) of every property, in schema order.
PROPERTY_LAYOUT: list[tuple[str, str]] = [
    ("Name", "title"),
    ("Notes", "rich_text"),
    ("Estimate", "number"),
    ("Budget", "number"),
    ("Progress", "number"),
    ("Priority", "select"),
    ("Tags", "multi_select"),
    ("Status", "status"),
    ("Due", "date"),
    ("Assignees", "people"),
    ("Attachments", "files"),
    ("Done", "checkbox"),
    ("Website", "url"),
    ("Email", "email"),
    ("Phone", "phone_number"),
    ("Label", "formula"),
    ("Score", "formula"),
    ("Overdue", "formula"),
    ("Next review", "formula"),
    ("Related", "relation"),
    ("Related count", "rollup"),
    ("ID", "unique_id"),
    ("Created", "created_time"),
    ("Created by", "created_by"),
    ("Edited", "last_edited_time"),
    ("Edited by", "last_edited_by"),
    ("Action", "button"),
    ("Location", "place"),
    ("Verification", "verification"),
]
FORMULAS = {
    "Label": ("string", 'prop("Name") + " (" + prop("Status") + ")"'),
    "Score": ("number", 'prop("Estimate") * 2'),
    "Overdue": ("boolean", 'dateBetween(now(), prop("Due"), "days") > 0'),
    "Next review": ("date", 'dateAdd(prop("Created"), 30, "days")'),
}
NUMBER_FORMATS = {"Estimate": "number", "Budget": "dollar", "Progress": "percent"}
PLACES = [
    (52.52, 13.405, "Brandenburg Gate", "Pariser Platz, 10117 Berlin, Germany"),
    (48.8584, 2.2945, "Eiffel Tower", "Av. Gustave Eiffel, 75007 Paris, France"),
    (35.6586, 139.7454, "Tokyo Tower", "4 Chome-2-8 Shibakoen, Tokyo, Japan"),
]


def _prop_ids(ws: Workspace, ds: DataSourceNode) -> dict[str, str]:
    rng = random.Random(f"{ws.seed}:propids:{ds.id}")
    ids: dict[str, str] = {}
    seen: set[str] = set()
    for name, type_ in PROPERTY_LAYOUT:
        if type_ == "title":
            ids[name] = "title"
            continue
        while True:
            raw = "".join(rng.choice(_ID_CHARS) for _ in range(4))
            if raw not in seen:
                break
        seen.add(raw)
        ids[name] = quote(raw, safe="")
    return ids


def _options(ws: Workspace, ds: DataSourceNode, prop: str, names: list[str]) -> list[JSON]:
    return [
        {
            "id": encode_id(ws.seed, Kind.OPTION, ds.idx, hash_name(prop, n))[:4] + f"{i:x}",
            "name": n,
            "color": OPTION_COLORS[i % len(OPTION_COLORS)],
            "description": None,
        }
        for i, n in enumerate(names)
    ]


def hash_name(*parts: str) -> int:
    """A small stable integer from strings (used to derive option ids)."""
    value = 0
    for part in parts:
        for ch in part:
            value = (value * 131 + ord(ch)) % 1_000_003
    return value


def ds_schema(ws: Workspace, ds: DataSourceNode) -> dict[str, JSON]:
    """The ``properties`` of a data source object: every property type once or more.

    Memoised per workspace; callers must not mutate the result.
    """
    cached = ws.memo.get(("schema", ds.idx))
    if cached is None:
        cached = ws.memo[("schema", ds.idx)] = _build_schema(ws, ds)
    return cached


def _build_schema(ws: Workspace, ds: DataSourceNode) -> dict[str, JSON]:
    ids = _prop_ids(ws, ds)
    target = ws.data_sources[ds.relation_target]
    target_db = ws.databases[target.database_idx]
    out: dict[str, JSON] = {}
    for name, type_ in PROPERTY_LAYOUT:
        config: JSON = {}
        if type_ == "number":
            config = {"format": NUMBER_FORMATS[name]}
        elif type_ == "select":
            config = {"options": _options(ws, ds, name, ["Low", "Medium", "High", "🔥 Urgent"])}
        elif type_ == "multi_select":
            config = {
                "options": _options(
                    ws, ds, name, ["backend", "frontend", "docs", "design", "ops, infra"]
                )
            }
        elif type_ == "status":
            opts = _options(ws, ds, name, ["Not started", "In progress", "Done"])
            config = {
                "options": opts,
                "groups": [
                    {"id": f"grp{i}", "name": g, "color": c, "option_ids": [opts[i]["id"]]}
                    for i, (g, c) in enumerate(
                        [("To-do", "gray"), ("In progress", "blue"), ("Complete", "green")]
                    )
                ],
            }
        elif type_ == "formula":
            config = {"expression": FORMULAS[name][1]}
        elif type_ == "relation":
            config = {
                "data_source_id": target.id,
                "database_id": target_db.id,
                "type": "single_property",
                "single_property": {},
            }
        elif type_ == "rollup":
            config = {
                "relation_property_name": "Related",
                "relation_property_id": ids["Related"],
                "rollup_property_name": "Name",
                "rollup_property_id": "title",
                "function": "count",
            }
        elif type_ == "unique_id":
            config = {"prefix": f"T{ds.idx}"}
        out[name] = {
            "id": ids[name],
            "name": name,
            "type": type_,
            "description": None,
            type_: config,
        }
    return out


def user_object(user: UserNode, ws: Workspace | None = None) -> JSON:
    """A full user object."""
    obj: JSON = {
        "object": "user",
        "id": user.id,
        "name": user.name,
        "avatar_url": f"https://example.com/avatars/{user.idx}.png" if user.idx % 3 else None,
        "type": user.type,
    }
    if user.type == "person":
        obj["person"] = {"email": user.email}
    else:
        owner: JSON = {"type": "workspace", "workspace": True}
        obj["bot"] = {"owner": owner, "workspace_name": ws.name if ws else None}
    return obj


def page_title_property(page: PageNode) -> JSON:
    """The single ``title`` property of a page that is not a data source row."""
    return {
        "title": {
            "id": "title",
            "type": "title",
            "title": [text_item(page.title)] if page.title else [],
        }
    }


def _date(rng: random.Random, ts: int) -> JSON | None:
    roll = rng.randrange(5)
    day = iso(ts)[:10]
    if roll == 0:
        return None
    if roll == 1:
        return {"start": day, "end": None, "time_zone": None}
    if roll == 2:
        return {"start": f"{day}T09:00:00.000+00:00", "end": None, "time_zone": None}
    if roll == 3:
        return {
            "start": f"{day}T09:00:00.000",
            "end": f"{day}T17:30:00.000",
            "time_zone": "America/New_York",
        }
    return {"start": day, "end": iso(ts + 3 * 86_400)[:10], "time_zone": None}


def row_values(ws: Workspace, page: PageNode) -> dict[str, JSON]:
    """The complete (untruncated) property values of data source row ``page``."""
    ds = ws.data_sources[page.parent_idx]
    schema = ds_schema(ws, ds)
    rng = random.Random(f"{ws.seed}:props:{page.id}")
    people = [u for u in ws.users if u.type == "person"]
    target_rows = ws.data_sources[ds.relation_target].rows
    out: dict[str, JSON] = {}
    for name, spec in schema.items():
        type_ = spec["type"]
        value: Any = None
        if type_ == "title":
            value = [text_item(page.title)] if page.title else []
        elif type_ == "rich_text":
            if page.row_pos == 0:
                # More mentions than a page object may show: the rest needs the
                # property item endpoint.
                value = [
                    mention_item(
                        {"type": "user", "user": {"object": "user", "id": u.id}}, f"@{u.name}"
                    )
                    for u in (people * 4)[:30]
                ]
            elif rng.random() < 0.7:
                value = [text_item(f"Note {rng.randrange(1000)} for {page.title[:20]}")]
            else:
                value = []
        elif type_ == "number":
            value = None if rng.random() < 0.15 else round(rng.uniform(0, 1000), 2)
            if name == "Progress" and value is not None:
                value = round(value / 1000, 3)
        elif type_ in ("select", "status"):
            opts = spec[type_]["options"]
            chosen = opts[rng.randrange(len(opts))]
            value = (
                None
                if type_ == "select" and rng.random() < 0.2
                else {"id": chosen["id"], "name": chosen["name"], "color": chosen["color"]}
            )
        elif type_ == "multi_select":
            opts = spec[type_]["options"]
            value = [
                {"id": o["id"], "name": o["name"], "color": o["color"]}
                for o in rng.sample(opts, rng.randint(0, 3))
            ]
        elif type_ == "date":
            value = _date(rng, page.created)
        elif type_ == "people":
            value = [user_object(u) for u in rng.sample(people, rng.randint(0, 3))]
        elif type_ == "files":
            value = []
            for k in range(rng.randint(0, 2)):
                fname = f"attachment-{k}.{rng.choice(['pdf', 'png', 'txt'])}"
                if rng.random() < 0.7:
                    ref = FileRef(encode_id(ws.seed, Kind.FILE, page.idx, 100 + k), fname)
                    value.append({"name": fname, "type": "file", "file": ref})
                else:
                    value.append(
                        {
                            "name": fname,
                            "type": "external",
                            "external": {"url": f"https://example.com/files/{fname}"},
                        }
                    )
        elif type_ == "checkbox":
            value = rng.random() < 0.5
        elif type_ == "url":
            value = None if rng.random() < 0.3 else f"https://example.com/{rng.randrange(99)}"
        elif type_ == "email":
            value = None if rng.random() < 0.3 else f"row{page.idx}@example.com"
        elif type_ == "phone_number":
            value = None if rng.random() < 0.3 else f"+1 555 {rng.randrange(1000, 9999)}"
        elif type_ == "formula":
            kind = FORMULAS[name][0]
            formula: JSON = {"type": kind}
            formula[kind] = {
                "string": f"{page.title[:30]} (…)",
                "number": rng.randint(0, 200),
                "boolean": rng.random() < 0.5,
                "date": {
                    "start": iso(page.created + 30 * 86_400)[:10],
                    "end": None,
                    "time_zone": None,
                },
            }[kind]
            value = formula
        elif type_ == "relation":
            pool = [r for r in target_rows if r != page.idx]
            count = len(pool) if page.row_pos == 0 else min(len(pool), rng.randint(0, 4))
            value = [{"id": ws.pages[r].id} for r in rng.sample(pool, count)]
        elif type_ == "rollup":
            value = {
                "type": "number",
                "number": len(out["Related"]["relation"]),
                "function": "count",
            }
        elif type_ == "unique_id":
            value = {"prefix": spec["unique_id"]["prefix"], "number": page.row_pos + 1}
        elif type_ in ("created_time", "last_edited_time"):
            value = iso(page.created if type_ == "created_time" else page.edited)
        elif type_ in ("created_by", "last_edited_by"):
            who = ws.users[page.created_by if type_ == "created_by" else page.edited_by]
            value = {"object": "user", "id": who.id}
        elif type_ == "button":
            value = {}
        elif type_ == "place":
            if rng.random() < 0.6:
                lat, lon, pname, address = PLACES[rng.randrange(len(PLACES))]
                value = {
                    "lat": lat,
                    "lon": lon,
                    "name": pname,
                    "address": address,
                    "google_place_id": None,
                }
        elif type_ == "verification":
            if rng.random() < 0.5:
                value = {"state": "unverified", "verified_by": None, "date": None}
            else:
                value = {
                    "state": "verified",
                    "verified_by": user_object(rng.choice(people)),
                    "date": {
                        "start": iso(page.edited),
                        "end": iso(page.edited + 90 * 86400),
                        "time_zone": None,
                    },
                }
        out[name] = {"id": spec["id"], "type": type_, type_: value}
    return out


def truncate(values: dict[str, JSON]) -> tuple[dict[str, JSON], dict[str, int]]:
    """Apply the page object's 25-reference limit.

    :returns: the values a page object shows, and ``{property_id: total_items}`` for each
        property that was cut.
    """
    shown: dict[str, JSON] = {}
    cut: dict[str, int] = {}
    for name, prop in values.items():
        type_ = prop["type"]
        items = prop[type_]
        if type_ in ("title", "rich_text", "people", "relation") and isinstance(items, list):
            if len(items) > REFERENCE_LIMIT:
                cut[prop["id"]] = len(items)
                prop = {**prop, type_: items[:REFERENCE_LIMIT]}
            if type_ == "relation":
                prop = {**prop, "has_more": len(items) > REFERENCE_LIMIT}
        shown[name] = prop
    return shown, cut
