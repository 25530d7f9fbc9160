"""Which usage days a change in OpenClaw's transcript sources can have touched, on evidence only.

The cursor keeps, per source, a cheap fingerprint (stat, or a SQLite index seek) and the newest call
time read from the source's own lines. Only a source whose fingerprint changed is opened, and only
at the ends (`source_times`), so the work follows what changed, not the length of the history.

A day is asked for only with evidence that it changed: a source that could not be read this time
(a database locked for a moment, a folder that could not be listed) keeps its previous fingerprint
and newest call time, and asks for nothing; file times are never taken for call times.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from mission_pipeline.openclaw.transcripts.call_times import CallBounds
from mission_pipeline.openclaw.transcripts.jsonl import ArchiveError
from mission_pipeline.openclaw.transcripts.sources import TranscriptInventory, TranscriptSource

Entry = dict[str, str | None]
# Reads a source's call times: whole (seen for the first time) or since its previous newest call.
Bounds = Callable[[TranscriptSource, dt.datetime | None], CallBounds]


@dataclass
class Changes:
    """The local days that may have gained calls, the cursor to keep, and notes for the skip reason."""

    days: set[dt.date] = field(default_factory=set)
    sources: dict[str, Entry] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def detect_changes(
    previous: Mapping[str, Mapping[str, Any]],
    inventory: TranscriptInventory,
    bounds: Bounds,
    *,
    timezone: str,
) -> Changes:
    """Compare the inventory with the previous cursor entries; read only what changed."""
    zone = ZoneInfo(timezone)
    changes = Changes()
    for source in inventory.sources:
        before = previous.get(source.path)
        if not source.readable:
            _keep(changes, source.path, before, f"{source.path} could not be read ({source.fingerprint})")
            continue
        if before is not None and before.get("fp") == source.fingerprint:
            changes.sources[source.path] = {"fp": source.fingerprint, "latest": before.get("latest")}
            continue
        since = _time(before.get("latest")) if before is not None else None
        try:
            found = bounds(source, since)
        except (OSError, ArchiveError, sqlite3.Error) as exc:
            _keep(changes, source.path, before, f"{source.path} could not be read ({exc})")
            continue
        newest = max((t for t in (since, found.latest) if t is not None), default=None)
        changes.sources[source.path] = {
            "fp": source.fingerprint,
            "latest": newest.isoformat() if newest else None,
        }
        start, end = found.earliest or found.latest, found.latest or found.earliest
        if start is None or end is None:
            changes.notes.append(f"{source.path} changed but names no call time")
            continue
        changes.days |= _days_between(min(start, end), max(start, end), zone)
    for path, entry in previous.items():
        if path not in changes.sources and not inventory.covers(path):
            # In a folder that could not be listed: not seen is not gone.
            changes.sources[path] = {"fp": entry.get("fp"), "latest": entry.get("latest")}
    if inventory.unlisted:
        changes.notes.append(f"could not list {', '.join(inventory.unlisted)}: their sources were kept")
    return changes


def _keep(changes: Changes, path: str, before: Mapping[str, Any] | None, note: str) -> None:
    """An unreadable source asks for nothing and keeps what the cursor knew of it."""
    changes.notes.append(f"{note}: kept its previous state, no day requested")
    if before is not None:
        changes.sources[path] = {"fp": before.get("fp"), "latest": before.get("latest")}


def _time(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _days_between(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> set[dt.date]:
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
