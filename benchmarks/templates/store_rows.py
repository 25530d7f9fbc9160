"""Real session-store rows, `sessions.json` entries, cron run lines and `openclaw.json` to start from."""

from __future__ import annotations

import json
import sqlite3
from functools import cache
from typing import Any

from benchmarks.templates.samples import V5, V9


@cache
def v5_session_entry() -> dict[str, Any]:
    """A real `sessions.json` entry (2026.5.28), to be copied and updated per session key."""
    data = json.loads((V5 / "agents" / "max" / "sessions" / "sessions.json").read_text(encoding="utf-8"))
    entry: dict[str, Any] = data["agent:max:main"]
    return entry


@cache
def v9_store_rows() -> tuple[dict[str, Any], dict[str, Any]]:
    """A real `session_nodes` row and `session_windows` row (2026.9.6), as column → value."""
    db = V9 / "agents" / "max" / "agent" / "openclaw-agent.sqlite"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        node = conn.execute(
            "SELECT * FROM session_nodes WHERE session_key = 'agent:max:refactor-auth'"
        ).fetchone()
        window = conn.execute(
            "SELECT * FROM session_windows WHERE session_key = 'agent:max:refactor-auth'"
        ).fetchone()
    finally:
        conn.close()
    return dict(node), dict(window)


@cache
def v5_cron_run_line() -> str:
    """A real cron run-log line (2026.5.28 `cron/runs/<jobId>.jsonl`)."""
    runs = sorted((V5 / "cron" / "runs").glob("*.jsonl"))
    return runs[0].read_text(encoding="utf-8").splitlines()[0]


def v5_cron_jobs() -> dict[str, Any]:
    """The real `cron/jobs.json` (2026.5.28): its version and a job to copy per generated job."""
    jobs: dict[str, Any] = json.loads((V5 / "cron" / "jobs.json").read_text(encoding="utf-8"))
    return jobs


def config(version: str) -> dict[str, Any]:
    """The real `openclaw.json` of a sample version (the generator replaces its agents)."""
    base = V9 if version == "2026.9.6" else V5
    data: dict[str, Any] = json.loads((base / "openclaw.json").read_text(encoding="utf-8"))
    return data
