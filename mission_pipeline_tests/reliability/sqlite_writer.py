"""A stand-in for a live OpenClaw Gateway: appends assistant rows to an agent's SQLite transcripts.

Usage: python -m mission_pipeline_tests.reliability.sqlite_writer <db> <first> <rows> <out.json>

Rows are copies of the database's own (real) assistant rows with new ids, responseIds
(`msg_live_<session>_<n>`), times and token counts (`live_usage(i)`), appended alternately to the
two first transcripts the way `appendTranscriptEvent` does: one transaction per row that inserts the
next `seq` and stamps the window's `transcript_updated_at`. Commit latencies and errors go to
out.json. Prints `ready` once the database is open.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

BASE = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
BUSY_TIMEOUT_S = 5.0
PACE_S = 0.0005


def octet_length(value: object) -> int | None:
    """SQLite 3.43's octet_length(), used by the schema's CHECKs; Python's SQLite may predate it
    (the Gateway's node:sqlite has it built in)."""
    if value is None:
        return None
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes | bytearray | memoryview):
        return len(bytes(value))
    return len(str(value).encode())


def live_usage(i: int) -> dict[str, int]:
    """The token counts of live row `i` (what a reader must find for it)."""
    return {"input": 100 + i % 1000, "output": 10 + i % 97, "cacheRead": i % 5000, "cacheWrite": i % 300}


def live_id(i: int) -> tuple[int, int, str]:
    """(session index, number within that session, responseId) of live row `i`."""
    session, number = i % 2, i // 2
    return session, number, f"msg_live_{session}_{number:07d}"


def main(argv: list[str]) -> int:
    db, first, rows, out = Path(argv[1]), int(argv[2]), int(argv[3]), Path(argv[4])
    conn = sqlite3.connect(db, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.create_function("octet_length", 1, octet_length, deterministic=True)
    conn.execute("PRAGMA foreign_keys = ON")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        conn.execute("PRAGMA synchronous = NORMAL")
    template: dict[str, Any] = json.loads(
        conn.execute(
            "SELECT event_json FROM transcript_events WHERE instr(event_json, '\"assistant\"') > 0"
            " AND instr(event_json, '\"usage\"') > 0 ORDER BY session_id, seq LIMIT 1"
        ).fetchone()[0]
    )
    sessions = [
        row[0] for row in conn.execute("SELECT session_id FROM session_windows ORDER BY created_at LIMIT 2")
    ]
    latencies: list[float] = []
    errors: list[str] = []
    print("ready", flush=True)
    began = time.perf_counter()
    for i in range(first, first + rows):
        session_index, _number, response_id = live_id(i)
        session = sessions[session_index]
        at = BASE + dt.timedelta(milliseconds=10 * i)
        at_ms = int(at.timestamp() * 1000)
        line = copy.deepcopy(template)
        line["id"] = f"live{i:08d}"
        line["parentId"] = f"live{i - 2:08d}" if i >= 2 else None
        line["timestamp"] = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
        message = line["message"]
        message["responseId"] = response_id
        message["timestamp"] = at_ms
        usage = live_usage(i)
        message["usage"] = {**message["usage"], **usage, "totalTokens": sum(usage.values())}
        text = json.dumps(line, separators=(",", ":"))
        started = time.perf_counter()
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_utf8_bytes)"
                " SELECT ?, coalesce(max(seq), -1) + 1, ?, ?, ? FROM transcript_events WHERE session_id = ?",
                (session, text, at_ms, len(text.encode()), session),
            )
            conn.execute(
                "UPDATE session_windows SET transcript_updated_at = ?, updated_at = ? WHERE session_id = ?",
                (at_ms, at_ms, session),
            )
            conn.execute("COMMIT")
            latencies.append(time.perf_counter() - started)
        except sqlite3.Error as exc:
            errors.append(f"row {i}: {type(exc).__name__}: {exc}")
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        time.sleep(PACE_S)
    conn.close()
    seconds = time.perf_counter() - began
    out.write_text(
        json.dumps({"latencies": latencies, "errors": errors, "sessions": sessions, "seconds": seconds})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
