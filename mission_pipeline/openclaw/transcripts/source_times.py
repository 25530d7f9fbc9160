"""The call times a transcript source holds, from its contents: which usage days it can touch.

A database knows its own bounds cheaply (`TranscriptSource.earliest_at`/`latest_at`: session windows
and row times), except for archived transcripts whose window is gone (a deleted session): their
first lines are read. A file is read at both ends (`call_times`). Nothing here uses file times.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.layout import sessions_dir
from mission_pipeline.openclaw.sqlite_files import connect_readonly
from mission_pipeline.openclaw.transcripts import sqlite as db
from mission_pipeline.openclaw.transcripts.call_times import (
    CallBounds,
    file_call_bounds,
    file_earliest,
    file_latest,
    head_earliest,
)
from mission_pipeline.openclaw.transcripts.jsonl import (
    ArchiveError,
    Line,
    iter_blob_lines,
    iter_file_lines,
    unwrap_cold_records,
)
from mission_pipeline.openclaw.transcripts.sources import TranscriptSource


def source_bounds(state_dir: Path, source: TranscriptSource) -> CallBounds:
    """Earliest and newest call time `source` may hold; None where its contents do not tell.

    Raises OSError, ArchiveError or sqlite3.Error when the source cannot be read.
    """
    if source.kind == "sqlite":
        archived = _archive_heads(state_dir, source, since=None)
        return CallBounds(_earliest(source.earliest_at, *archived), source.latest_at)
    path = state_dir / source.path
    return file_call_bounds(path, compressed=path.name.endswith(".zst"))


def appended_bounds(state_dir: Path, source: TranscriptSource, since: datetime) -> CallBounds:
    """The call times a source seen before can have gained since its newest call then (`since`).

    Transcripts grow at the end, so new calls are not older than `since`, except in archives that
    appeared since (a deleted or imported transcript), whose first lines are read. The work does not
    grow with the length of the history.
    """
    if source.kind == "sqlite":
        archived = _archive_heads(state_dir, source, since=since)
        return CallBounds(_earliest(since, *archived), source.latest_at)
    path = state_dir / source.path
    return CallBounds(since, file_latest(path, compressed=path.name.endswith(".zst")))


def newest_call(state_dir: Path, source: TranscriptSource) -> datetime | None:
    """The newest call time, where it is cheap to read: a database's own, a live file's last lines.

    None for a compressed archive: it is written once and never grows, so its newest call is never
    needed as the start of what was appended.
    """
    if source.kind == "sqlite":
        return source.latest_at
    path = state_dir / source.path
    if path.name.endswith(".zst"):
        return None
    try:
        return file_latest(path, compressed=False)
    except OSError:
        return None


@dataclass
class EarliestCall:
    """The earliest call time over many sources, and the sources whose times could not be told."""

    at: datetime | None = None
    unknown: list[str] = field(default_factory=list)


def earliest_call(state_dir: Path, sources: Iterable[TranscriptSource]) -> EarliestCall:
    """The earliest call any source holds; sources that hold lines but name no time are listed."""
    result = EarliestCall()
    for source in sources:
        try:
            earliest = _source_earliest(state_dir, source)
        except (OSError, ArchiveError, sqlite3.Error):
            earliest = None
        if earliest is None:
            if not _is_empty(state_dir, source):
                result.unknown.append(source.path)
            continue
        result.at = earliest if result.at is None else min(result.at, earliest)
    return result


def _earliest(*moments: datetime | None) -> datetime | None:
    return min((m for m in moments if m is not None), default=None)


def _source_earliest(state_dir: Path, source: TranscriptSource) -> datetime | None:
    """Like `source_bounds(...).earliest`, reading only the first lines of a file (archives too)."""
    if source.kind == "sqlite":
        return source_bounds(state_dir, source).earliest
    path = state_dir / source.path
    return file_earliest(path, compressed=path.name.endswith(".zst"))


def _archive_heads(
    state_dir: Path, source: TranscriptSource, since: datetime | None
) -> list[datetime | None]:
    """The earliest time of each transcript archived inside (or beside) an agent database (since)."""
    since_ms = None if since is None else int(since.timestamp() * 1000)
    conn = connect_readonly(state_dir / source.path)
    try:
        heads = []
        for row in db.archive_rows(conn, since_ms, None):
            lines: Iterable[Line]
            if row.in_db:
                lines = iter_blob_lines(db.archive_blob(conn, row) or b"", compressed=row.compressed)
            else:
                folder = sessions_dir(state_dir, source.agent_id) / "cold"
                lines = iter_file_lines(folder / row.archive_name, compressed=True)
            if row.cold:
                lines = unwrap_cold_records(lines)
            try:
                heads.append(head_earliest(lines))
            except (OSError, ArchiveError):
                heads.append(None)
        return heads
    finally:
        conn.close()


def _is_empty(state_dir: Path, source: TranscriptSource) -> bool:
    """A file of zero bytes (or a database without rows) holds no call, so no time is needed."""
    if source.kind == "sqlite":
        return source.latest_at is None and source.readable
    try:
        return (state_dir / source.path).stat().st_size == 0
    except OSError:
        return False
