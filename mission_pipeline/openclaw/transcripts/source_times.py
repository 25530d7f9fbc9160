"""The call times a transcript source holds, from its contents: which usage days it can touch.

Each source's store (`sources.store_of`) knows how to read them: a database mostly from its own
bounds, a file at both ends (`call_times`). Nothing here uses file times.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.transcripts.call_times import CallBounds
from mission_pipeline.openclaw.transcripts.jsonl import ArchiveError
from mission_pipeline.openclaw.transcripts.sources import TranscriptSource, store_of


def source_bounds(state_dir: Path, source: TranscriptSource) -> CallBounds:
    """Earliest and newest call time `source` may hold; None where its contents do not tell.

    Raises OSError, ArchiveError or sqlite3.Error when the source cannot be read.
    """
    return store_of(source).bounds(state_dir, source)


def appended_bounds(state_dir: Path, source: TranscriptSource, since: datetime) -> CallBounds:
    """The call times a source seen before can have gained since its newest call then (`since`).

    Transcripts grow at the end, so new calls are not older than `since`, except in archives that
    appeared since (a deleted or imported transcript), whose first lines are read. The work does not
    grow with the length of the history.
    """
    return store_of(source).appended_bounds(state_dir, source, since)


def newest_call(state_dir: Path, source: TranscriptSource) -> datetime | None:
    """The newest call time, where it is cheap to read: a database's own, a live file's last lines."""
    return store_of(source).newest_call(state_dir, source)


@dataclass
class EarliestCall:
    """The earliest call time over many sources, and the sources whose times could not be told."""

    at: datetime | None = None
    unknown: list[str] = field(default_factory=list)


def earliest_call(state_dir: Path, sources: Iterable[TranscriptSource]) -> EarliestCall:
    """The earliest call any source holds; sources that hold lines but name no time are listed."""
    result = EarliestCall()
    for source in sources:
        store = store_of(source)
        try:
            earliest = store.earliest_call(state_dir, source)
        except (OSError, ArchiveError, sqlite3.Error):
            earliest = None
        if earliest is None:
            if not store.is_empty(state_dir, source):
                result.unknown.append(source.path)
            continue
        result.at = earliest if result.at is None else min(result.at, earliest)
    return result
