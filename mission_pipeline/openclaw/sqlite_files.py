"""The one way this project opens OpenClaw's SQLite files: read-only, never waiting long for a lock.

The Gateway writes these databases while we read them (`state/openclaw.sqlite`, and each agent's
`openclaw-agent.sqlite`). A file is opened with `mode=ro` (never created, never written) and
`query_only`, and is probed once so a file that is not a database fails here, not mid-read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

# How long a read waits for a lock. The Gateway runs WAL, where readers never wait; a lock is only
# met in rollback-journal mode, where one write transaction lasts milliseconds. Waiting longer than
# this means something holds the database on purpose (a migration, `openclaw doctor --fix`): every
# caller then reports the file as unreadable and goes on (the usage read with the next agent, cron
# with its fallback, a fingerprint with the files' stat) rather than hold up a run or a sensor tick.
BUSY_TIMEOUT_S = 2.0

TextFactory = Callable[[bytes], Any]


def lenient_text(data: bytes) -> str:
    """SQLite TEXT as str; bytes that are not UTF-8 kept as lone surrogates, so one bad value
    costs one row (see `text.escape_undecodable`), not the whole read."""
    return data.decode("utf-8", "surrogateescape")


def connect_readonly(
    path: Path, *, text_factory: TextFactory = lenient_text, named_rows: bool = False
) -> sqlite3.Connection:
    """Open an OpenClaw SQLite file read-only (raises sqlite3.Error when it cannot be read).

    `text_factory`: how TEXT values are decoded (pass `str` to have a value that is not UTF-8 fail
    the query). `named_rows`: rows as sqlite3.Row (by column name) instead of tuples.
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.text_factory = text_factory
    if named_rows:
        conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA query_only = 1")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Column names of `table`, empty when it does not exist (schemas differ between versions)."""
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
