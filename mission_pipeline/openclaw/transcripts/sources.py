"""Cheap fingerprints of every transcript source, for a sensor that reruns only on change.

Nothing here reads transcript contents: files give size and mtime; an agent database gives its
highest `transcript_events` rowid (a B-tree seek; every append raises it), the newest transcript
write of its session windows (one row per session), and the row counts of the two small archive
tables (a deleted or cold-stored transcript moves rows there).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.layout import agent_db_path, sessions_dir
from mission_pipeline.openclaw.sqlite_files import connect_readonly, table_columns
from mission_pipeline.openclaw.transcripts import sqlite as db
from mission_pipeline.openclaw.transcripts.files import agent_ids_in, list_session_files, relative
from mission_pipeline.openclaw.values import epoch_ms_to_utc


@dataclass(frozen=True, slots=True)
class TranscriptSource:
    """One place transcripts are read from, with a fingerprint that changes when its content may have.

    `earliest_at`/`latest_at` bound the call times a database may hold (its session windows, rows
    and archives); None for files, whose times are read from their lines on demand (`source_times`):
    a file's mtime is the time of whatever last copied it, not of its calls. `readable` is False when
    the source could not be looked at (a database locked for a moment): its fingerprint then says
    nothing about change.
    """

    path: str
    agent_id: str
    kind: str
    fingerprint: str
    earliest_at: datetime | None
    latest_at: datetime | None
    readable: bool = True


@dataclass(frozen=True, slots=True)
class TranscriptInventory:
    """Every source found, and the folders that could not be listed (their sources are unknown)."""

    sources: list[TranscriptSource]
    unlisted: list[str]

    def covers(self, path: str) -> bool:
        """False when `path` lies in a folder that could not be listed: absent here is not gone."""
        return not any(path == folder or path.startswith(folder + "/") for folder in self.unlisted)


def list_transcript_sources(
    state_dir: Path, agent_ids: Sequence[str] | None = None
) -> list[TranscriptSource]:
    """Every transcript source of the given (default: all) agents, sorted by path."""
    return transcript_inventory(state_dir, agent_ids).sources


def transcript_inventory(state_dir: Path, agent_ids: Sequence[str] | None = None) -> TranscriptInventory:
    """Every transcript source of the given (default: all) agents, and what could not be listed."""
    found: list[TranscriptSource] = []
    unlisted: list[str] = []
    if agent_ids is None:
        try:
            os.scandir(state_dir / "agents").close()
        except FileNotFoundError:
            pass
        except OSError:
            unlisted.append("agents")
    for agent_id in agent_ids_in(state_dir, agent_ids):
        path = agent_db_path(state_dir, agent_id)
        if path.is_file():
            found.append(_database_source(state_dir, agent_id, path))
        folder = sessions_dir(state_dir, agent_id)
        try:
            files = list_session_files(folder)
        except FileNotFoundError:
            files = []
        except OSError:
            files = []
            unlisted.append(relative(state_dir, folder))
        for file in files:
            fingerprint = f"size={file.size};mtime_ns={file.mtime_ns}"
            found.append(
                TranscriptSource(relative(state_dir, file.path), agent_id, file.kind, fingerprint, None, None)
            )
    return TranscriptInventory(sorted(found, key=lambda s: s.path), unlisted)


def _database_source(state_dir: Path, agent_id: str, path: Path) -> TranscriptSource:
    rel = relative(state_dir, path)
    try:
        conn = connect_readonly(path)
    except sqlite3.Error as exc:
        return TranscriptSource(rel, agent_id, "sqlite", f"unreadable: {exc}", None, None, readable=False)
    try:
        last_rowid, last_at = conn.execute(
            "SELECT rowid, created_at FROM transcript_events ORDER BY rowid DESC LIMIT 1"
        ).fetchone() or (0, None)
        parts = [f"events_rowid={last_rowid}"]
        newest = [last_at] if last_at is not None else []
        for table in (db.ARCHIVE_TABLE, db.COLD_TABLE):
            if "created_at" in table_columns(conn, table):
                count, latest = conn.execute(f"SELECT count(*), max(created_at) FROM {table}").fetchone()
                newest += [latest] if latest is not None else []
            elif table_columns(conn, table):
                count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            else:
                continue
            parts.append(f"{table}={count}")
        earliest = None
        windows = table_columns(conn, "session_windows")
        if "created_at" in windows:
            earliest = conn.execute("SELECT min(created_at) FROM session_windows").fetchone()[0]  # indexed
        if "transcript_updated_at" in windows:
            # Stamped at every transcript write; one row per session, so this scan stays small.
            written = conn.execute("SELECT max(transcript_updated_at) FROM session_windows").fetchone()[0]
            parts.append(f"written={written}")
            newest += [written] if written is not None else []
    except sqlite3.Error as exc:
        return TranscriptSource(rel, agent_id, "sqlite", f"unreadable: {exc}", None, None, readable=False)
    finally:
        conn.close()
    return TranscriptSource(
        rel, agent_id, "sqlite", ";".join(parts), _at(earliest), _at(max(newest, default=None))
    )


def _at(ms: int | None) -> datetime | None:
    return epoch_ms_to_utc(ms)  # a damaged row time reads as unknown, not as a crash
