"""OpenClaw's SQLite store written by a live Gateway while the pipeline reads it.

A writer process (sqlite_writer.py) appends real assistant rows, one transaction per row, to a copy
of the 2026.9.6 sample's `main` agent database in WAL mode (as the Gateway runs it): first alone,
then while this process reads the whole state directory with the pipeline's own reader
(`read_usage_events`) in a loop. Every read must succeed with no problem reported, see the sample's
calls unchanged and, per transcript, exactly the first n live rows with the token counts written
(n never going back); the writer must never fail; its commit latency is measured with and without
the reader; the database passes `PRAGMA integrity_check` afterwards and a last read sees every row.

The same runs in rollback-journal mode (how the sample files are stored), where a reader does block
a commit for up to one batch query: that bound is measured too.

Default 2,000 rows per phase; MISSION_PIPELINE_FULL_RELIABILITY=1: 20,000.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.usage.read import read_usage_events
from mission_pipeline_tests.reliability.harness import REPO, SLOW_AT_FULL_SIZE, percentile, record, size
from mission_pipeline_tests.reliability.sqlite_writer import live_id, live_usage, octet_length

pytestmark = SLOW_AT_FULL_SIZE

DAY_START = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
DAY_END = DAY_START + dt.timedelta(days=1)


def _writer(db: Path, first: int, rows: int, out: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mission_pipeline_tests.reliability.sqlite_writer",
            str(db),
            str(first),
            str(rows),
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def _read(state: Path) -> tuple[dict[int, list[tuple[int, dict[str, int]]]], int, list[str], float]:
    """(live rows seen per session: (number, tokens)), sample calls seen, problems, seconds."""
    started = time.perf_counter()
    problems = ProblemLog(base=state)
    live: dict[int, list[tuple[int, dict[str, int]]]] = defaultdict(list)
    others = 0
    for event in read_usage_events(state, start=DAY_START, end=DAY_END, problems=problems):
        rid = event.response_id or ""
        if rid.startswith("msg_live_"):
            _, _, session, number = rid.split("_")
            tokens = {
                "input": event.input_tokens,
                "output": event.output_tokens,
                "cacheRead": event.cache_read_tokens,
                "cacheWrite": event.cache_write_tokens,
            }
            live[int(session)].append((int(number), tokens))
        else:
            others += 1
    return live, others, problems.lines(20), time.perf_counter() - started


def _consistent(live: dict[int, list[tuple[int, dict[str, int]]]]) -> tuple[bool, dict[int, int]]:
    """Each session holds live rows 0..n-1 exactly once, with the tokens written; (ok, n per session)."""
    counts: dict[int, int] = {}
    ok = True
    for session in (0, 1):
        rows = sorted(live.get(session, []))
        numbers = [n for n, _ in rows]
        ok &= numbers == list(range(len(numbers)))
        for number, tokens in rows:
            ok &= tokens == live_usage(2 * number + session)
            ok &= live_id(2 * number + session)[:2] == (session, number)
        counts[session] = len(numbers)
    return ok, counts


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_live_gateway_writes_while_the_pipeline_reads(
    journal: str, copy_sample: Callable[[str], Path], tmp_path: Path
) -> None:
    rows = size(2_000, 20_000)
    state = copy_sample("v2026.9.6")
    db = state / "agents" / "main" / "agent" / "openclaw-agent.sqlite"
    with sqlite3.connect(db) as conn:
        assert conn.execute(f"PRAGMA journal_mode = {journal}").fetchone()[0] == journal
    _, baseline_calls, baseline_problems, _ = _read(state)
    assert not baseline_problems, baseline_problems

    # Phase 1: the writer alone.
    alone_out = tmp_path / "alone.json"
    writer = _writer(db, 0, rows, alone_out)
    assert writer.wait(timeout=600) == 0
    alone = json.loads(alone_out.read_text())

    # Phase 2: the writer while the pipeline reads in a loop.
    with_out = tmp_path / "with-reader.json"
    writer = _writer(db, rows, rows, with_out)
    reads: list[dict[str, Any]] = []
    last: dict[int, int] = {0: 0, 1: 0}
    while True:
        running = writer.poll() is None
        try:
            live, others, problems, seconds = _read(state)
            error = None
        except Exception as exc:  # a read must never raise; counted, not hidden
            live, others, problems, seconds, error = {}, -1, [], 0.0, f"{type(exc).__name__}: {exc}"
        prefix, counts = _consistent(live)
        complete = error is None and not problems and others == baseline_calls
        monotonic = all(counts.get(s, 0) >= last[s] for s in (0, 1))
        if complete:
            last = {s: max(last[s], counts.get(s, 0)) for s in (0, 1)}
        reads.append(
            {
                # Clean: everything read, a consistent prefix per transcript, never going back.
                "clean": complete and prefix and monotonic,
                # Safe: no exception, nothing wrong read (a prefix, exact tokens), and every problem
                # is a lock wait that timed out, reported with the database's path.
                "safe": error is None and prefix and all("database is locked" in p for p in problems),
                "error": error,
                "problems": problems,
                "seconds": seconds,
                "live_rows_seen": sum(counts.values()),
            }
        )
        if not running:
            break
    assert writer.wait(timeout=60) == 0
    concurrent = json.loads(with_out.read_text())

    # Afterwards: intact, and complete.
    with sqlite3.connect(db) as conn:
        conn.create_function("octet_length", 1, octet_length, deterministic=True)
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        stored = conn.execute(
            "SELECT count(*) FROM transcript_events WHERE instr(event_json, 'msg_live_') > 0"
        ).fetchone()[0]
    final_live, final_others, final_problems, _ = _read(state)
    final_ok, final_counts = _consistent(final_live)

    ms = 1000.0

    def stats(latencies: list[float]) -> dict[str, float]:
        return {f"p{q}": round(percentile(latencies, q) * ms, 2) for q in (50, 95, 99)} | {
            "max": round(max(latencies) * ms, 2)
        }

    clean = [r for r in reads if r["clean"]]
    safe = [r for r in reads if r["safe"]]
    figures = {
        "journal_mode": journal,
        "rows_per_phase": rows,
        "reads": len(reads),
        "reads_clean": len(clean),
        "reads_safe": len(safe),
        "read_seconds_p50": round(percentile([r["seconds"] for r in reads], 50), 3),
        "rows_seen_by_reads": [r["live_rows_seen"] for r in reads],
        "writer_errors": alone["errors"] + concurrent["errors"],
        "writer_commits_per_s": {
            "alone": round(rows / alone["seconds"]),
            "with_reader": round(rows / concurrent["seconds"]),
        },
        "writer_commit_ms_alone": stats(alone["latencies"]),
        "writer_commit_ms_with_reader": stats(concurrent["latencies"]),
        "integrity_check": integrity,
        "rows_stored": stored,
        "final_read_sees_all": final_ok and sum(final_counts.values()) == 2 * rows,
        "unclean_reads": [r for r in reads if not r["clean"]][:5],
    }
    with_reader = figures["writer_commit_ms_with_reader"]
    record(
        f"faults_sqlite_live_writer_{journal}",
        f"{len(reads)} reads tried, {len(clean)} held ({len(safe)} safe); {2 * rows} appends, "
        f"{len(figures['writer_errors'])} failed; "
        f"writer commit p99 {figures['writer_commit_ms_alone']['p99']} ms alone, "
        f"{with_reader['p99']} ms with the reader (max {with_reader['max']} ms); integrity {integrity}",
        figures,
    )
    assert len(reads) >= 3, "the writer finished before the reader could read a few times"
    assert len(safe) == len(reads), figures["unclean_reads"]
    if journal == "wal":
        # As the Gateway runs it: readers and the writer never wait for each other.
        assert len(clean) == len(reads), figures["unclean_reads"]
    assert not figures["writer_errors"]
    assert integrity == "ok"
    assert stored == 2 * rows
    assert figures["final_read_sees_all"] and not final_problems and final_others == baseline_calls
    # Never blocked beyond a bound: well under the writer's own busy timeout (5 s) in both modes.
    assert with_reader["max"] < 1000.0
