"""Cheap fingerprints of every transcript source, for a sensor that reruns only on change.

Nothing here reads transcript contents: files give size and mtime; an agent database gives its
highest `transcript_events` rowid (a B-tree seek; every append raises it), the newest transcript
write of its session windows (one row per session), and the row counts of the two small archive
tables (a deleted or cold-stored transcript moves rows there).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.transcripts import sqlite as db
from mission_pipeline.openclaw.transcripts.files import (
    agent_db_path,
    agent_ids_in,
    list_session_files,
    relative,
    sessions_dir,
)
from mission_pipeline.openclaw.values import epoch_ms_to_utc, epoch_ns_to_utc


@dataclass(frozen=True, slots=True)
class TranscriptSource:
    """One place transcripts are read from, with a fingerprint that changes when its content may have.

    `earliest_at`/`latest_at` bound the call times it may hold, when that is cheap to know (None when
    not): for a file the newest is its mtime; for a database, the newest row and archive.
    """

    path: str
    agent_id: str
    kind: str
    fingerprint: str
    earliest_at: datetime | None
    latest_at: datetime | None


def list_transcript_sources(
    state_dir: Path, agent_ids: Sequence[str] | None = None
) -> list[TranscriptSource]:
    """Every transcript source of the given (default: all) agents, sorted by path."""
    found: list[TranscriptSource] = []
    for agent_id in agent_ids_in(state_dir, agent_ids):
        path = agent_db_path(state_dir, agent_id)
        if path.is_file():
            found.append(_database_source(state_dir, agent_id, path))
        try:
            files = list_session_files(sessions_dir(state_dir, agent_id))
        except OSError:
            files = []
        for file in files:
            mtime = epoch_ns_to_utc(file.mtime_ns)
            fingerprint = f"size={file.size};mtime_ns={file.mtime_ns}"
            found.append(
                TranscriptSource(
                    relative(state_dir, file.path), agent_id, file.kind, fingerprint, None, mtime
                )
            )
    return sorted(found, key=lambda s: s.path)


def _database_source(state_dir: Path, agent_id: str, path: Path) -> TranscriptSource:
    rel = relative(state_dir, path)
    try:
        conn = db.connect_readonly(path)
    except sqlite3.Error as exc:
        return TranscriptSource(rel, agent_id, "sqlite", f"unreadable: {exc}", None, None)
    try:
        last_rowid, last_at = conn.execute(
            "SELECT rowid, created_at FROM transcript_events ORDER BY rowid DESC LIMIT 1"
        ).fetchone() or (0, None)
        parts = [f"events_rowid={last_rowid}"]
        newest = [last_at] if last_at is not None else []
        for table in (db.ARCHIVE_TABLE, db.COLD_TABLE):
            if "created_at" in db.table_columns(conn, table):
                count, latest = conn.execute(f"SELECT count(*), max(created_at) FROM {table}").fetchone()
                newest += [latest] if latest is not None else []
            elif db.table_columns(conn, table):
                count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            else:
                continue
            parts.append(f"{table}={count}")
        earliest = None
        windows = db.table_columns(conn, "session_windows")
        if "created_at" in windows:
            earliest = conn.execute("SELECT min(created_at) FROM session_windows").fetchone()[0]  # indexed
        if "transcript_updated_at" in windows:
            # Stamped at every transcript write; one row per session, so this scan stays small.
            written = conn.execute("SELECT max(transcript_updated_at) FROM session_windows").fetchone()[0]
            parts.append(f"written={written}")
            newest += [written] if written is not None else []
    except sqlite3.Error as exc:
        return TranscriptSource(rel, agent_id, "sqlite", f"unreadable: {exc}", None, None)
    finally:
        conn.close()
    return TranscriptSource(
        rel, agent_id, "sqlite", ";".join(parts), _at(earliest), _at(max(newest, default=None))
    )


def _at(ms: int | None) -> datetime | None:
    return epoch_ms_to_utc(ms)  # a damaged row time reads as unknown, not as a crash
