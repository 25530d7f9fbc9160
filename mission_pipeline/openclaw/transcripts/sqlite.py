"""Read-only access to an agent's `openclaw-agent.sqlite` (OpenClaw ≥ 2026.7.2).

The Gateway writes this database while we read it. We open it with `sqlite_files.connect_readonly`
(read-only, waiting at most `BUSY_TIMEOUT_S` for a lock) and fetch in small batches with no statement
left open between them, so a read snapshot never outlives one batch query: a writer waits at most
that long for us (rollback journal) and WAL checkpoints are never pinned between batches.

Time pruning, from the 2026.9.6 schema and writer (`appendTranscriptEvent`):
* `transcript_events.created_at` is the line's own `timestamp` (epoch ms; `Date.now()` only when the
  line has none; equal for all 188 rows of the sample), so rows are selected by `created_at` with a
  `MARGIN_MS` allowance for lines whose call time comes from `message.timestamp` instead. Under the
  older meaning (insert time) it is never earlier than the line, so the lower bound stays sound.
* `session_windows.transcript_updated_at` is stamped at every transcript write (it was later than
  the last row in every sample window, while `updated_at` was not), so a window last written before
  `start` holds no later line. NULL means unknown: the session is kept.
* `session_windows.created_at` is set when the window opens, before (or, for imports, at) its first
  row's time; a window opened after `end` holds only later lines, except lines a fork copied from
  its parent, which the parent holds too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import zstandard

from mission_pipeline.openclaw.sqlite_files import table_columns
from mission_pipeline.openclaw.transcripts import jsonl
from mission_pipeline.openclaw.transcripts.reading import Unreadable
from mission_pipeline.openclaw.values import PLAUSIBLE_EPOCH_MS

BATCH_ROWS = 500
MARGIN_MS = 3_600_000
ARCHIVE_TABLE = "session_transcript_archives"
COLD_TABLE = "session_transcript_cold_archives"


@dataclass(frozen=True, slots=True)
class Window:
    """One transcript (session id) kept by the time pruning, with its session key."""

    session_id: str
    session_key: str | None


@dataclass(frozen=True, slots=True)
class ArchiveRow:
    """A transcript archived by the database: deleted/reset (BLOB, maybe also published as a file)
    or moved to cold storage (a BLOB, or a file under `sessions/cold/`)."""

    table: str
    session_id: str
    session_key: str | None
    archive_name: str
    compressed: bool
    in_db: bool

    @property
    def cold(self) -> bool:
        """Cold archives wrap each row as a `{"kind":"event","row":{...}}` record."""
        return self.table == COLD_TABLE


def plan_windows(conn: sqlite3.Connection, start_ms: int | None, end_ms: int | None) -> list[Window]:
    """The transcripts that may hold lines in [start_ms, end_ms), sorted by session id."""
    columns = table_columns(conn, "session_windows")
    if not {"session_id", "session_key", "created_at", "transcript_updated_at"} <= columns:
        # Older agent schema: no per-window times, so keep every transcript.
        ids = conn.execute("SELECT DISTINCT session_id FROM transcript_events ORDER BY session_id")
        return [Window(row[0], None) for row in ids]
    low = None if start_ms is None else start_ms - MARGIN_MS
    high = None if end_ms is None else end_ms + MARGIN_MS
    rows = conn.execute(
        "SELECT session_id, session_key FROM session_windows"
        " WHERE (:low IS NULL OR transcript_updated_at IS NULL OR transcript_updated_at >= :low)"
        " AND (:high IS NULL OR created_at < :high) ORDER BY session_id",
        {"low": low, "high": high},
    ).fetchall()
    return [Window(row[0], row[1]) for row in rows]


def iter_events(
    conn: sqlite3.Connection,
    session_id: str,
    start_ms: int | None,
    end_ms: int | None,
    *,
    has_zstd: bool = True,
) -> Iterator[tuple[int, bytes | Unreadable]]:
    """(seq, line bytes) of one transcript's rows within the window, every row, in order.

    `has_zstd`: the schema has `event_zstd` (see `table_columns`). A row that cannot be a line (a
    compressed value that does not inflate, a value longer than `jsonl.MAX_LINE_BYTES`, no value at all)
    comes back as (seq, Unreadable); sqlite3.Error is raised.
    """
    zstd_col = "event_zstd" if has_zstd else "NULL"
    # Every row goes to the line parser, not only rows naming an assistant: a damaged row may have
    # lost that word, and the parser reports what it cannot read.
    # A row whose created_at is no plausible time (a line with a nonsense `timestamp`) is read in every
    # window: its call may be dated by `message.timestamp`, which only the parser sees.
    sql = (
        f"SELECT seq, CAST(event_json AS BLOB), {zstd_col} FROM transcript_events"
        " WHERE session_id = CAST(:sid AS TEXT) AND seq > :after"
        " AND ((:low IS NULL OR created_at >= :low) AND (:high IS NULL OR created_at < :high)"
        " OR created_at IS NULL OR created_at < :plausible_low OR created_at >= :plausible_high)"
        " ORDER BY seq LIMIT :limit"
    )
    params: dict[str, object] = {
        "sid": _exact(session_id),
        "after": -(2**63),
        "low": None if start_ms is None else start_ms - MARGIN_MS,
        "high": None if end_ms is None else end_ms + MARGIN_MS,
        "plausible_low": PLAUSIBLE_EPOCH_MS[0],
        "plausible_high": PLAUSIBLE_EPOCH_MS[1],
        "limit": BATCH_ROWS,
    }
    inflate = zstandard.ZstdDecompressor()
    while True:
        batch = conn.execute(sql, params).fetchall()
        for seq, text, packed in batch:
            data: bytes | Unreadable
            if packed is not None:
                try:
                    data = inflate.decompress(packed, max_output_size=64 << 20)
                except zstandard.ZstdError:
                    data = Unreadable("compressed event_zstd does not inflate")
            elif text is not None:
                data = bytes(text)
            else:
                data = Unreadable("row holds neither event_json nor event_zstd")
            if isinstance(data, bytes) and len(data) > jsonl.MAX_LINE_BYTES:
                data = Unreadable(f"event longer than {jsonl.MAX_LINE_BYTES} bytes; skipped")
            yield seq, data
        if len(batch) < BATCH_ROWS:
            return
        params["after"] = batch[-1][0]


def archive_rows(conn: sqlite3.Connection, start_ms: int | None, end_ms: int | None) -> Iterator[ArchiveRow]:
    """Archived transcripts that may hold lines in the window, without their BLOBs."""
    low = None if start_ms is None else start_ms - MARGIN_MS
    high = None if end_ms is None else end_ms + MARGIN_MS
    if {"archive_name", "archive_blob", "encoding", "created_at"} <= table_columns(conn, ARCHIVE_TABLE):
        # An archive is written when its session is deleted or reset: after every line it holds.
        rows = conn.execute(
            f"SELECT session_id, session_key, archive_name, encoding FROM {ARCHIVE_TABLE}"
            " WHERE (:low IS NULL OR created_at >= :low) ORDER BY created_at, session_id, generation",
            {"low": low},
        ).fetchall()
        for sid, key, name, encoding in rows:
            yield ArchiveRow(ARCHIVE_TABLE, sid, key, name, encoding == "zstd", True)
    if {"archive_name", "storage", "archive_blob"} <= table_columns(conn, COLD_TABLE):
        # Cold storage (opt-in, idle > 30 days) moves a transcript's rows out of transcript_events
        # into one zstd JSONL of records; its window stays, so it is pruned like a live transcript.
        rows = conn.execute(
            f"SELECT c.session_id, w.session_key, c.archive_name, c.storage FROM {COLD_TABLE} c"
            " LEFT JOIN session_windows w ON w.session_id = c.session_id"
            " WHERE (:low IS NULL OR w.transcript_updated_at IS NULL OR w.transcript_updated_at >= :low)"
            " AND (:high IS NULL OR w.created_at IS NULL OR w.created_at < :high) ORDER BY c.session_id",
            {"low": low, "high": high},
        ).fetchall()
        for sid, key, name, storage in rows:
            yield ArchiveRow(COLD_TABLE, sid, key, name, True, storage == "sqlite")


def archive_blob(conn: sqlite3.Connection, row: ArchiveRow) -> bytes | None:
    """The stored bytes of one archive, fetched alone so only one BLOB is in memory at a time."""
    found = conn.execute(
        f"SELECT archive_blob FROM {row.table}"
        " WHERE session_id = CAST(? AS TEXT) AND archive_name = CAST(? AS TEXT)",
        (_exact(row.session_id), _exact(row.archive_name)),
    ).fetchone()
    return bytes(found[0]) if found and found[0] is not None else None


def session_keys(conn: sqlite3.Connection) -> dict[str, str]:
    """session id → session key for every window and archive this database knows."""
    keys: dict[str, str] = {}
    if {"session_id", "session_key"} <= table_columns(conn, ARCHIVE_TABLE):
        keys.update(conn.execute(f"SELECT session_id, session_key FROM {ARCHIVE_TABLE}").fetchall())
    if {"session_id", "session_key"} <= table_columns(conn, "session_windows"):
        keys.update(conn.execute("SELECT session_id, session_key FROM session_windows").fetchall())
    return keys


def _exact(text: str) -> bytes:
    """A TEXT value read with `sqlite_files.lenient_text` as the very bytes stored (to look it up again)."""
    return text.encode("utf-8", "surrogateescape")
