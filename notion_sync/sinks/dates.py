"""Dates as Notion's own exports print them (``January 5, 2024 3:00 PM``).

Times are shown as the clock time Notion served, never converted: a date
property with a ``time_zone`` names it, a non-UTC offset is named as an offset,
so no export depends on the machine's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

__all__ = ["format_date_value", "format_datetime"]

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day(d: date) -> str:
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def _offset(dt: datetime) -> str:
    delta = dt.utcoffset()
    if delta is None or delta == timedelta(0):
        return ""
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f" (UTC{sign}{hours:02d}:{mins:02d})"


def format_datetime(value: object, *, time_zone: str | None = None) -> str:
    """One ISO 8601 date or date-time, Notion style; anything unparsable is returned as is."""
    if not isinstance(value, str) or not value:
        return ""
    if _DATE_ONLY.match(value):
        try:
            return _day(date.fromisoformat(value))
        except ValueError:
            return value
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    hour = dt.hour % 12 or 12
    text = f"{_day(dt)} {hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"
    return text + (f" ({time_zone})" if time_zone else _offset(dt))


def format_date_value(value: Mapping[str, Any] | None) -> str:
    """A Notion date object (``start``, optional ``end`` and ``time_zone``) as text."""
    if not isinstance(value, Mapping):
        return ""
    zone = value.get("time_zone") if isinstance(value.get("time_zone"), str) else None
    start = format_datetime(value.get("start"), time_zone=zone)
    end = format_datetime(value.get("end"), time_zone=zone)
    if start and end:
        return f"{start} → {end}"
    return start or end
