"""The sample state directories the templates come from, and picking real lines out of them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mission_pipeline.sample import SAMPLE_STATE

# The current version's state ships in the package; the older one stays with the tests' data.
V9 = SAMPLE_STATE
V5 = (
    Path(__file__).resolve().parents[2]
    / "mission_pipeline_tests"
    / "data"
    / "openclaw-samples"
    / "v2026.5.28"
    / "state"
)

LineTest = Callable[[dict[str, Any]], bool]


def sqlite_lines(db: Path, session_id: str) -> list[str]:
    """A 2026.9.6 session's transcript lines (`transcript_events.event_json`), in order."""
    return _event_json(db, "transcript_events", session_id)


def trajectory_rows(db: Path, session_id: str) -> list[str]:
    """A 2026.9.6 session's trajectory lines (`trajectory_runtime_events.event_json`), in order."""
    return _event_json(db, "trajectory_runtime_events", session_id)


def _event_json(db: Path, table: str, session_id: str) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            f"SELECT event_json FROM {table} WHERE session_id = ? ORDER BY seq", (session_id,)
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def pick(lines: Sequence[str], test: LineTest, what: str) -> str:
    """The first real line that passes `test`; a sample set without one is an error, not a made-up line."""
    for line in lines:
        if test(json.loads(line)):
            return line.rstrip("\n")
    raise LookupError(f"no real line for {what} in the samples")


def message(role: str, stop: str | None = None) -> LineTest:
    """Is it a message line of `role` (and, when given, of stop reason `stop`)?"""

    def test(d: dict[str, Any]) -> bool:
        m = d.get("message") or {}
        return (
            d.get("type") == "message"
            and m.get("role") == role
            and (stop is None or m.get("stopReason") == stop)
        )

    return test


def custom(kind: str) -> LineTest:
    """Is it a `custom` line of `customType` `kind`?"""
    return lambda d: d.get("type") == "custom" and d.get("customType") == kind


def typed(kind: str) -> LineTest:
    """Is it a line (transcript or trajectory) of `type` `kind`?"""
    return lambda d: d.get("type") == kind
