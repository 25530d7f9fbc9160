"""Which usage days a change in OpenClaw's transcript sources can have touched.

Plain functions over `TranscriptSource` fingerprints (stat calls and one SQLite index seek per agent),
so the sensor stays cheap however long the history is.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from mission_pipeline.openclaw.usage import TranscriptSource

# A brand-new source with no known start (say an archive that appeared) may hold older calls;
# look back this far at most.
NEW_SOURCE_LOOKBACK = dt.timedelta(days=2)


def snapshot(sources: Iterable[TranscriptSource]) -> dict[str, dict[str, str | None]]:
    """The cursor form of the sources: path -> fingerprint and newest call time."""
    return {
        s.path: {"fp": s.fingerprint, "latest": s.latest_at.isoformat() if s.latest_at else None}
        for s in sources
    }


def touched_days(
    previous: Mapping[str, Mapping[str, Any]],
    sources: Iterable[TranscriptSource],
    *,
    timezone: str,
    now: dt.datetime,
) -> set[dt.date]:
    """Local days that new or changed sources may have added calls to since `previous`."""
    zone = ZoneInfo(timezone)
    days: set[dt.date] = set()
    for source in sources:
        before = previous.get(source.path)
        if before is not None and before.get("fp") == source.fingerprint:
            continue
        end = source.latest_at or now
        if before is not None and before.get("latest"):
            # Appended since the last look: calls from the previous newest one onward.
            start = dt.datetime.fromisoformat(str(before["latest"]))
        else:
            start = source.earliest_at or (end - NEW_SOURCE_LOOKBACK)
        days |= _days_between(min(start, end), end, zone)
    return days


def _days_between(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> set[dt.date]:
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
