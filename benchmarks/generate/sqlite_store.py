"""The 2026.9.6 session store: a `session_windows` row per session, a `session_nodes` row per key."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from benchmarks.generate.cron import job_name
from benchmarks.generate.transcript import Session
from benchmarks.templates.json_text import dumps
from benchmarks.templates.store_rows import v9_store_rows


def window_row(session: Session, created_at: int) -> dict[str, Any]:
    """The session's `session_windows` row, copied from a real one, with the times the Gateway stamps."""
    plan = session.plan
    _node, window = v9_store_rows()
    w = dict(window)
    w.update(
        session_id=plan.sid,
        session_key=plan.key,
        created_at=created_at,
        updated_at=session.last_ts + 25,
        transcript_updated_at=session.last_ts + 3,
        transcript_observed_at=session.last_ts + 3,
        started_at=session.lines[-1].ts - 500,
        ended_at=session.last_ts + 20,
        status="done",
        model_provider="anthropic",
        model=session.model,
        display_name=plan.label if plan.kind == "topic" else None,
    )
    if plan.kind == "cron":
        w["display_name"] = "Automation: " + job_name(session)
    return w


def node_row(key: str, session: Session) -> dict[str, Any]:
    """The `session_nodes` row of `key`, pointing at its latest session, copied from a real one."""
    node, _window = v9_store_rows()
    plan = session.plan
    entry: dict[str, Any] = json.loads(node["entry_json"])
    entry.update(
        sessionId=plan.sid,
        updatedAt=session.last_ts + 25,
        sessionStartedAt=plan.start_ms,
        lastInteractionAt=session.last_ts,
        model=session.model,
        createdAt=plan.start_ms,
        displayName=plan.label or key.split(":")[-1],
    )
    n = dict(node)
    n.update(
        session_key=key,
        current_session_id=plan.sid,
        entry_json=dumps(entry),
        updated_at=session.last_ts + 25,
        created_at=plan.start_ms,
        status="done",
        created_via="cron" if plan.kind == "cron" else "run",
        display_name=entry["displayName"],
        label=None,
        last_interaction_at=session.last_ts,
        last_activity_at=session.last_ts,
    )
    return n


def insert_row(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> None:
    """INSERT one row given as column → value."""
    cols = ", ".join(values)
    conn.execute(
        f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )
