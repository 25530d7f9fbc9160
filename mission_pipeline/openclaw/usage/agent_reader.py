"""Per-agent readers behind `read_usage_events`: SQLite rows, live JSONL files, archives.

Each yields `Found` calls with where they came from; every unreadable file, line or row becomes a
problem and the reader goes on. Pruning by time happens here (see `transcripts.sqlite` for the
SQLite rules): a file last modified before `start` cannot hold a later line and is not opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from mission_pipeline.openclaw.layout import agent_db_path, sessions_dir
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sqlite_files import connect_readonly, table_columns
from mission_pipeline.openclaw.text import escape_undecodable
from mission_pipeline.openclaw.transcripts import sqlite as db
from mission_pipeline.openclaw.transcripts.files import SessionFile, list_session_files, relative
from mission_pipeline.openclaw.transcripts.jsonl import (
    ArchiveError,
    Line,
    iter_blob_lines,
    iter_file_lines,
    session_began_ms,
    unwrap_cold_records,
)
from mission_pipeline.openclaw.transcripts.keys import CronKeys, file_era_keys
from mission_pipeline.openclaw.usage.parse import BadLine, ParsedCall, parse_usage_line
from mission_pipeline.openclaw.usage.window import TimeWindow


class Found(NamedTuple):
    """One call and the copy it was read from."""

    call: ParsedCall
    session_id: str | None
    session_key: str | None
    source: str
    source_path: str
    source_line: int


class AgentReader:
    """Reads one agent's transcripts, phase by phase, reporting what it cannot read."""

    def __init__(
        self, state_dir: Path, agent_id: str, problems: ProblemLog, window: TimeWindow, cron: CronKeys
    ) -> None:
        self.state_dir, self.agent_id, self.problems, self.window = state_dir, agent_id, problems, window
        self._cron = cron
        self.db_path = agent_db_path(state_dir, agent_id)
        self.db_rel = relative(state_dir, self.db_path)
        self._files: list[SessionFile] | None = None
        self._keys: dict[str, str] | None = None
        # Archive files read to the end (or pruned): their copies inside the database are skipped.
        self._archives_done: set[str] = set()
        self._db_failed = False

    def read(self, phase: str) -> Iterator[Found]:
        """Calls of one phase: "sqlite", "jsonl" (live files) or "archive"."""
        if phase == "sqlite":
            yield from self._with_db(self._sqlite_rows)
        else:
            for file in self._session_files():
                if file.kind == phase:
                    yield from self._file(file)
            if phase == "archive":
                yield from self._with_db(self._db_archives)

    # --- SQLite -------------------------------------------------------------------------------------

    def _with_db(self, read: Callable[[sqlite3.Connection], Iterator[Found]]) -> Iterator[Found]:
        if self._db_failed or not self.db_path.is_file():
            return
        try:
            conn = connect_readonly(self.db_path)
        except sqlite3.Error as exc:
            self._db_failed = True  # reported once per read, and not waited for again
            self.problems.add(self.db_rel, f"cannot open agent database: {exc}")
            return
        try:
            yield from read(conn)
        except sqlite3.Error as exc:
            self._db_failed = True
            self.problems.add(self.db_rel, f"agent database read failed: {exc}")
        finally:
            conn.close()

    def _sqlite_rows(self, conn: sqlite3.Connection) -> Iterator[Found]:
        w = self.window
        has_zstd = "event_zstd" in table_columns(conn, "transcript_events")
        for window in db.plan_windows(conn, w.start_ms, w.end_ms):
            try:
                yield from self._session_rows(conn, window, has_zstd)
            except sqlite3.OperationalError:
                raise  # locked, busy or I/O: the next session would fail the same way
            except sqlite3.DatabaseError as exc:
                # A damaged page loses this transcript, not the agent's others.
                where = f"transcript_events session_id={escape_undecodable(window.session_id)}"
                self.problems.add(self.db_rel, f"transcript unreadable: {exc}", row=where)

    def _session_rows(self, conn: sqlite3.Connection, window: db.Window, has_zstd: bool) -> Iterator[Found]:
        w = self.window
        sid, key = escape_undecodable(window.session_id), escape_undecodable(window.session_key)
        where = f"transcript_events session_id={sid} seq="
        for seq, data in db.iter_events(conn, window.session_id, w.start_ms, w.end_ms, has_zstd=has_zstd):
            if isinstance(data, db.Unreadable):
                self.problems.add(self.db_rel, data.reason, row=f"{where}{seq}")
                continue
            try:
                call = parse_usage_line(data)
            except BadLine as exc:
                self.problems.add(self.db_rel, str(exc), row=f"{where}{seq}")
                continue
            if call is not None:
                yield Found(call, sid, key, "sqlite", self.db_rel, seq)

    def _db_archives(self, conn: sqlite3.Connection) -> Iterator[Found]:
        w = self.window
        for row in db.archive_rows(conn, w.start_ms, w.end_ms):
            if row.table == db.ARCHIVE_TABLE and row.archive_name in self._archives_done:
                continue  # published as a file in sessions/ and read from there
            if row.in_db:
                label = escape_undecodable(f"{self.db_rel}#{row.table}/{row.archive_name}")
                # Fetched whole (compressed size) so no read transaction stays open while the
                # caller works through the events.
                blob = db.archive_blob(conn, row)
                lines: Iterable[Line] = iter_blob_lines(blob or b"", compressed=row.compressed)
            else:
                path = sessions_dir(self.state_dir, self.agent_id) / "cold" / row.archive_name
                label = escape_undecodable(relative(self.state_dir, path))
                lines = iter_file_lines(path, compressed=True)
            if row.cold:
                lines = unwrap_cold_records(lines)
            yield from self._lines(lines, label, row.session_id, row.session_key, "archive")

    # --- files --------------------------------------------------------------------------------------

    def _session_files(self) -> list[SessionFile]:
        if self._files is None:
            folder = sessions_dir(self.state_dir, self.agent_id)
            try:
                self._files = list_session_files(folder)
                for file in self._files:
                    if not file.name.isascii() and escape_undecodable(file.name) != file.name:
                        where = relative(self.state_dir, folder)
                        self.problems.add(
                            where, f"file name is not UTF-8, read as {escape_undecodable(file.name)}"
                        )
            except FileNotFoundError:
                self._files = []
            except OSError as exc:
                self.problems.add(relative(self.state_dir, folder), f"cannot list sessions folder: {exc}")
                self._files = []
        return self._files

    def _file(self, file: SessionFile) -> Iterator[Found]:
        w = self.window
        if w.start_ms is not None and file.mtime_ns < (w.start_ms - db.MARGIN_MS) * 1_000_000:
            self._archives_done.add(file.name)
            return  # last written before the window: it cannot hold a later line
        began = None if w.end_ms is None else session_began_ms(file.path, compressed=file.compressed)
        if began is not None and w.end_ms is not None and began >= w.end_ms + db.MARGIN_MS:
            self._archives_done.add(file.name)
            return  # its header (first line) is later than the window
        label = escape_undecodable(relative(self.state_dir, file.path))
        key = self._key_for(file.session_id)
        lines = iter_file_lines(file.path, compressed=file.compressed)
        complete = yield from self._lines(lines, label, file.session_id, key, file.kind)
        if complete:
            self._archives_done.add(file.name)

    def _lines(
        self, lines: Iterable[Line], label: str, session_id: str, key: str | None, source: str
    ) -> Generator[Found, None, bool]:
        """Calls on these lines; returns False when reading stopped early (already reported)."""
        number = 0
        sid, skey = escape_undecodable(session_id), escape_undecodable(key)
        try:
            for number, data in lines:
                if data is None:
                    self.problems.add(label, "line too long; skipped", line=number)
                    continue
                try:
                    call = parse_usage_line(data)
                except BadLine as exc:
                    self.problems.add(label, str(exc), line=number)
                    continue
                if call is not None:
                    yield Found(call, sid, skey, source, label, number)
        except ArchiveError as exc:
            self.problems.add(label, f"{exc}; lines after {number} not read", line=number + 1)
            return False
        except OSError as exc:
            where = number + 1 if number else None
            self.problems.add(label, f"cannot read: {exc.strerror or exc}", line=where)
            return False
        return True

    def _key_for(self, session_id: str) -> str | None:
        if self._keys is None:
            keys = file_era_keys(self.state_dir, self.agent_id, self.problems)
            if not self._db_failed and self.db_path.is_file():
                try:
                    conn = connect_readonly(self.db_path)
                    try:
                        keys.update(db.session_keys(conn))
                    finally:
                        conn.close()
                except sqlite3.Error:
                    self._db_failed = True  # reported by the SQLite phase
            self._keys = keys
        key = self._keys.get(session_id)
        # The cron run logs name only the sessions of past cron runs: read them only for those.
        return key if key is not None else self._cron.keys().get(session_id)
