"""Shared helpers for the usage and session reader tests (real sample data only)."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.usage.events import UsageEvent
from mission_pipeline.openclaw.usage.read import read_usage_events


def writable(root: Path) -> Path:
    """Make a copied sample writable (the repository copies are read-only files and folders)."""
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    root.chmod(root.stat().st_mode | stat.S_IWUSR)
    return root


def read_all(
    state: Path,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    agent_ids: list[str] | None = None,
) -> tuple[list[UsageEvent], ProblemLog]:
    """Every usage event of a state dir, with the problems met."""
    problems = ProblemLog(base=state)
    events = list(read_usage_events(state, agent_ids=agent_ids, start=start, end=end, problems=problems))
    return events, problems


def totals_by_agent(events: Iterable[UsageEvent]) -> dict[str, dict[str, Any]]:
    """Calls, token sums and recorded cost per agent, in the ledger's field names."""
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"calls": 0, "input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "costUsd": 0.0}
    )
    for e in events:
        row = out[e.agent_id]
        row["calls"] += 1
        row["input"] += e.input_tokens
        row["output"] += e.output_tokens
        row["cacheRead"] += e.cache_read_tokens
        row["cacheWrite"] += e.cache_write_tokens
        row["costUsd"] += e.recorded_cost_usd or 0.0
    for row in out.values():
        row["costUsd"] = round(row["costUsd"], 9)  # the sum's float noise depends on reading order
    return dict(out)


def agent_db(state: Path, agent: str) -> Path:
    """The SQLite store of one agent in a 2026.9.6 state dir."""
    return state / "agents" / agent / "agent" / "openclaw-agent.sqlite"


def write_connection(path: Path) -> sqlite3.Connection:
    """A writable connection to a copied agent DB (checks off, so tests can reshape real rows)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


def session_rows(path: Path, session_id: str) -> list[tuple[int, str, int]]:
    """(seq, event_json, created_at) of one transcript, in order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT seq, event_json, created_at FROM transcript_events WHERE session_id = ? ORDER BY seq",
            (session_id,),
        ).fetchall()
    finally:
        conn.close()


def export_jsonl(path: Path, session_id: str, target: Path) -> Path:
    """Write a transcript's rows as the JSONL file OpenClaw would have written (same bytes per line)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [row[1] for row in session_rows(path, session_id)]
    target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return target


def assistant_line_numbers(path: Path) -> list[int]:
    """1-based numbers of the lines with usage in a JSONL transcript."""
    return [
        n
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if '"role":"assistant"' in line and '"usage"' in line
    ]
