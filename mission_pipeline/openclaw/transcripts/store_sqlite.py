"""The SQLite era (OpenClaw ≥ 2026.7.2): each agent's `openclaw-agent.sqlite` is one source.

Its fingerprint reads no transcript: the highest `transcript_events` rowid (a B-tree seek; every
append raises it), the newest transcript write of its session windows (one row per session), and
the row counts of the two small archive tables (a deleted or cold-stored transcript moves rows
there). The database knows its own time bounds (session windows, row times), except for archived
transcripts whose window is gone (a deleted session): their first lines are read.

For the usage reader its rows are one part (a section per session, pruned by time as `sqlite`
says) and its archives another, read after the archive files: an archive also published as a file
in `sessions/` is read from there, and its copy here only when the file could not be read in full.
A database that cannot be opened or read is reported once and not tried again in the same read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Iterable
from datetime import datetime
from pathlib import Path

from mission_pipeline.openclaw.layout import agent_db_path, sessions_dir
from mission_pipeline.openclaw.sqlite_files import connect_readonly, table_columns
from mission_pipeline.openclaw.text import escape_undecodable
from mission_pipeline.openclaw.transcripts import sqlite as db
from mission_pipeline.openclaw.transcripts.call_times import CallBounds, head_earliest
from mission_pipeline.openclaw.transcripts.files import relative
from mission_pipeline.openclaw.transcripts.jsonl import (
    ArchiveError,
    Line,
    iter_blob_lines,
    iter_file_lines,
    unwrap_cold_records,
)
from mission_pipeline.openclaw.transcripts.reading import AgentReading, Section
from mission_pipeline.openclaw.transcripts.store import ReadStep, TranscriptSource, TranscriptStore
from mission_pipeline.openclaw.values import epoch_ms_to_utc


class AgentDatabase(TranscriptStore):
    """`agents/<id>/agent/openclaw-agent.sqlite`: live transcripts, archives and cold storage."""

    kinds = ("sqlite",)
    read_steps = (ReadStep("sqlite", 0, 0), ReadStep("archive", 2, 1))

    def list_sources(self, state_dir: Path, agent_id: str, unlisted: list[str]) -> list[TranscriptSource]:
        path = agent_db_path(state_dir, agent_id)
        return [_database_source(state_dir, agent_id, path)] if path.is_file() else []

    def earliest_call(self, state_dir: Path, source: TranscriptSource) -> datetime | None:
        return self.bounds(state_dir, source).earliest

    def bounds(self, state_dir: Path, source: TranscriptSource) -> CallBounds:
        archived = _archive_heads(state_dir, source, since=None)
        return CallBounds(_earliest(source.earliest_at, *archived), source.latest_at)

    def appended_bounds(self, state_dir: Path, source: TranscriptSource, since: datetime) -> CallBounds:
        # Rows are appended with later times; only archives that appeared since can be older.
        archived = _archive_heads(state_dir, source, since=since)
        return CallBounds(_earliest(since, *archived), source.latest_at)

    def newest_call(self, state_dir: Path, source: TranscriptSource) -> datetime | None:
        return source.latest_at

    def is_empty(self, state_dir: Path, source: TranscriptSource) -> bool:
        return source.latest_at is None and source.readable

    def sections(self, reading: AgentReading, part: str) -> Generator[Section, None, None]:
        path, rel = _database(reading)
        if rel in reading.failed or not path.is_file():
            return
        try:
            conn = connect_readonly(path)
        except sqlite3.Error as exc:
            reading.failed.add(rel)
            reading.problems.add(rel, f"cannot open agent database: {exc}")
            return
        try:
            yield from (_row_sections if part == "sqlite" else _archive_sections)(reading, conn, rel)
        except sqlite3.Error as exc:
            reading.failed.add(rel)
            reading.problems.add(rel, f"agent database read failed: {exc}")
        finally:
            conn.close()

    def session_keys(self, reading: AgentReading) -> dict[str, str]:
        path, rel = _database(reading)
        if rel in reading.failed or not path.is_file():
            return {}
        try:
            conn = connect_readonly(path)
            try:
                return db.session_keys(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            reading.failed.add(rel)  # reported when its rows were read
            return {}


def _database(reading: AgentReading) -> tuple[Path, str]:
    """The agent's database: its path, and its path relative to the state dir (problems name it)."""
    path = agent_db_path(reading.state_dir, reading.agent_id)
    return path, relative(reading.state_dir, path)


def _row_sections(
    reading: AgentReading, conn: sqlite3.Connection, rel: str
) -> Generator[Section, None, None]:
    """One section per session the time pruning keeps (`sqlite.plan_windows`)."""
    has_zstd = "event_zstd" in table_columns(conn, "transcript_events")
    for window in db.plan_windows(conn, reading.start_ms, reading.end_ms):
        where = f"transcript_events session_id={escape_undecodable(window.session_id)}"
        rows = db.iter_events(conn, window.session_id, reading.start_ms, reading.end_ms, has_zstd=has_zstd)
        try:
            yield Section(rel, window.session_id, window.session_key, "sqlite", rows, row=f"{where} seq=")
        except sqlite3.OperationalError:
            raise  # locked, busy or I/O: the next session would fail the same way
        except sqlite3.DatabaseError as exc:
            # A damaged page loses this transcript, not the agent's others.
            reading.problems.add(rel, f"transcript unreadable: {exc}", row=where)


def _archive_sections(
    reading: AgentReading, conn: sqlite3.Connection, rel: str
) -> Generator[Section, None, None]:
    """One section per archived transcript that may hold lines in the window."""
    sessions = sessions_dir(reading.state_dir, reading.agent_id)
    for row in db.archive_rows(conn, reading.start_ms, reading.end_ms):
        if row.table == db.ARCHIVE_TABLE and relative(reading.state_dir, sessions / row.archive_name) in (
            reading.read_in_full
        ):
            continue  # published as a file in sessions/ and read from there
        lines: Iterable[Line]
        if row.in_db:
            label = escape_undecodable(f"{rel}#{row.table}/{row.archive_name}")
            # Fetched whole (compressed size) so no read transaction stays open while the
            # reader works through the events.
            blob = db.archive_blob(conn, row)
            lines = iter_blob_lines(blob or b"", compressed=row.compressed)
        else:
            path = sessions / "cold" / row.archive_name
            label = escape_undecodable(relative(reading.state_dir, path))
            lines = iter_file_lines(path, compressed=True)
        if row.cold:
            lines = unwrap_cold_records(lines)
        section = Section(label, row.session_id, row.session_key, "archive", lines)
        try:
            yield section
        except (ArchiveError, OSError) as exc:
            reading.lines_stopped(section, exc)


def _earliest(*moments: datetime | None) -> datetime | None:
    return min((m for m in moments if m is not None), default=None)


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
    # A damaged row time reads as unknown, not as a crash.
    earliest_at, latest_at = epoch_ms_to_utc(earliest), epoch_ms_to_utc(max(newest, default=None))
    return TranscriptSource(rel, agent_id, "sqlite", ";".join(parts), earliest_at, latest_at)


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
