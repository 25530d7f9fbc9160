"""A budget's period around a moment: the local day, or the calendar month, in the usage time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mission_pipeline.budgets.model import Period

# At the very start of a period a run rate would be a wild guess: elapsed time counts at least this.
MIN_ELAPSED = dt.timedelta(hours=1)


def period_bounds(period: Period, as_of: dt.datetime, timezone: str) -> tuple[dt.date, dt.date]:
    """The first day of the period holding `as_of`, and the first day after it."""
    today = as_of.astimezone(ZoneInfo(timezone)).date()
    if period == "day":
        return today, today + dt.timedelta(days=1)
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def elapsed_share(start: dt.date, end: dt.date, as_of: dt.datetime, timezone: str) -> float:
    """How much of [start, end) has passed at `as_of` (local midnights, so DST days count as they are)."""
    zone = ZoneInfo(timezone)
    # In UTC: Python subtracts two times of one zone by their wall clocks, which ignores DST.
    begin = dt.datetime.combine(start, dt.time(), zone).astimezone(dt.UTC)
    finish = dt.datetime.combine(end, dt.time(), zone).astimezone(dt.UTC)
    elapsed = min(max(as_of - begin, MIN_ELAPSED), finish - begin)
    return elapsed / (finish - begin)
