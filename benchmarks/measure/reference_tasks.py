"""Child tasks running the reference tools: DuckDB over the JSONL files, sqlite3 over transcript_events."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.measure.totals import sums

# The sqlite3 reference: calls per day straight from transcript_events (rows with usage, as the reader).
SQLITE3_SQL = (
    "SELECT substr(event_json ->> '$.timestamp', 1, 10) AS day, count(*),"
    " sum(event_json ->> '$.message.usage.input'), sum(event_json ->> '$.message.usage.output'),"
    " sum(event_json ->> '$.message.usage.cacheRead'), sum(event_json ->> '$.message.usage.cacheWrite'),"
    " sum(event_json ->> '$.message.usage.cost.total')"
    " FROM transcript_events WHERE event_json ->> '$.type' = 'message'"
    " AND event_json ->> '$.message.role' = 'assistant'"
    " AND coalesce(event_json ->> '$.message.provider', '') <> 'openclaw'"
    " AND event_json ->> '$.message.usage.totalTokens' > 0 GROUP BY 1;"
)


def duckdb_reference(state: str, threads: int | None = None, archives: bool = True) -> dict[str, Any]:
    """DuckDB's `read_json` over the same JSONL transcripts (live, .reset, .deleted), summed per agent/day;
    without `archives`, over the live `<uuid>.jsonl` transcripts only (what ccusage reads)."""
    import duckdb

    conn = duckdb.connect()
    if threads:
        conn.execute(f"SET threads = {int(threads)}")
    base = Path(state) / "agents"
    # Transcripts are <uuid>.jsonl (never *.trajectory.jsonl: a uuid ends in a hex digit) and archives.
    globs = [
        f"{base}/*/sessions/*[0-9a-f].jsonl",
        f"{base}/*/sessions/*.jsonl.reset.*",
        f"{base}/*/sessions/*.jsonl.deleted.*",
    ]
    if not archives:
        globs = globs[:1]
    globs = [g for g in globs if conn.execute("SELECT count(*) FROM glob(?)", [g]).fetchone()[0]]  # type: ignore[index]
    usage = (
        "STRUCT(input BIGINT, output BIGINT, cacheRead BIGINT, cacheWrite BIGINT, cost STRUCT(total DOUBLE))"
    )
    sql = f"""
        SELECT split_part(filename, '/', -3) AS agent, substr("timestamp", 1, 10) AS day, count(*),
               sum(message.usage.input), sum(message.usage.output), sum(message.usage.cacheRead),
               sum(message.usage.cacheWrite), sum(message.usage.cost.total)
        FROM read_json($files, format = 'newline_delimited', filename = true, compression = 'none',
                       columns = {{'type': 'VARCHAR', 'timestamp': 'VARCHAR',
                                   'message': 'STRUCT(role VARCHAR, provider VARCHAR, usage {usage})'}})
        WHERE type = 'message' AND message.role = 'assistant'
          AND coalesce(message.provider, '') <> 'openclaw'
          AND message.usage.input + message.usage.output
              + message.usage.cacheRead + message.usage.cacheWrite > 0
        GROUP BY ALL
    """
    started = time.perf_counter()
    rows = conn.execute(sql, {"files": globs}).fetchall()
    seconds = time.perf_counter() - started
    threads_used = conn.execute("SELECT current_setting('threads')").fetchone()[0]  # type: ignore[index]
    return {"seconds": seconds, "totals": sums(rows), "threads": threads_used, "version": duckdb.__version__}


def sqlite_reference(db: str) -> dict[str, Any]:
    """`SQLITE3_SQL` through Python's sqlite3 module: the reference where no sqlite3 CLI is installed."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        rows = conn.execute(SQLITE3_SQL.rstrip(";")).fetchall()
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    return {"seconds": seconds, "rows": [list(r) for r in rows]}
