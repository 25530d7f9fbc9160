"""The session index: one row per session key, from OpenClaw's store or its CLI.

These are snapshots for labels and attribution (agent, key, kind, model). Their token fields are
the last run only, so they are never used for billing; usage comes from `usage.read_usage_events`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from mission_pipeline.openclaw.cli import OpenClawCliError, run_openclaw_json
from mission_pipeline.openclaw.layout import agent_db_path, sessions_dir
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sqlite_files import connect_readonly
from mission_pipeline.openclaw.transcripts.files import agent_ids_in, relative
from mission_pipeline.openclaw.transcripts.keys import read_sessions_json
from mission_pipeline.openclaw.values import (
    agent_of_session_key,
    epoch_ms_to_utc,
    nonempty_str,
    split_agent_session_key,
)

SessionSource = Literal["cli", "sqlite", "sessions.json"]


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One session key and what the store says about its current session."""

    agent_id: str
    session_id: str | None
    session_key: str
    kind: str
    model: str | None
    model_provider: str | None
    status: str | None
    started_at: datetime | None
    updated_at: datetime | None
    entry: dict[str, Any]
    source: SessionSource


@dataclass
class SessionIndex:
    """The sessions read, and the agents whose store was not read in full (agent id -> why)."""

    records: list[SessionRecord] = field(default_factory=list)
    unread: dict[str, str] = field(default_factory=dict)


def read_session_index(
    state_dir: Path, *, agent_ids: Sequence[str] | None = None, problems: ProblemLog
) -> list[SessionRecord]:
    """Every session of the given (default: all) agents from the store: SQLite, else sessions.json."""
    return read_session_stores(state_dir, agent_ids=agent_ids, problems=problems).records


def read_session_stores(
    state_dir: Path, *, agent_ids: Sequence[str] | None = None, problems: ProblemLog
) -> SessionIndex:
    """Like `read_session_index`, also naming each agent whose sessions cannot all be known.

    A store that is missing or only partly readable proves no session gone, so a sync must leave
    that agent's rows alone.
    """
    index = SessionIndex()
    for agent_id in agent_ids_in(state_dir, agent_ids):
        before = problems.count
        path = agent_db_path(state_dir, agent_id)
        store = path if path.is_file() else sessions_dir(state_dir, agent_id) / "sessions.json"
        if store is path:
            index.records += _from_sqlite(state_dir, agent_id, path, problems)
        elif store.is_file():
            for key, entry in read_sessions_json(store, state_dir, problems).items():
                index.records.append(session_record(key, entry, agent_id, "sessions.json"))
        else:
            index.unread[agent_id] = "no session store (neither openclaw-agent.sqlite nor sessions.json)"
            continue
        if problems.count > before:
            shown = relative(state_dir, store)
            index.unread[agent_id] = f"{shown} read in part ({problems.count - before} problem(s))"
    return index


def read_session_index_from_cli(
    command: list[str], state_dir: Path, *, timeout: float = 120.0
) -> list[SessionRecord]:
    """`openclaw sessions --all-agents --json` as records (raises OpenClawCliError when it fails)."""
    args = ["sessions", "--all-agents", "--json"]
    payload = run_openclaw_json(command, args, state_dir=state_dir, timeout=timeout)
    if isinstance(payload, dict) and payload.get("hasMore") is True:
        # The command has no offset: the full list is one call with --limit all.
        payload = run_openclaw_json(command, [*args, "--limit", "all"], state_dir=state_dir, timeout=timeout)
    return parse_cli_sessions(payload)


def parse_cli_sessions(payload: Any) -> list[SessionRecord]:
    """Records from the JSON printed by `openclaw sessions --json` (raises OpenClawCliError if not)."""
    rows = payload.get("sessions") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        raise OpenClawCliError("`openclaw sessions --json` printed no `sessions` list")
    records = []
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("key"), str):
            agent = row.get("agentId")
            records.append(session_record(row["key"], row, agent if isinstance(agent, str) else None, "cli"))
    return records


def session_record(
    key: str, entry: dict[str, Any], store_agent: str | None, source: SessionSource
) -> SessionRecord:
    """A record from a store entry or CLI row (same field names); odd field types read as None."""
    kind = entry.get("kind") if source == "cli" else None
    return SessionRecord(
        agent_id=agent_of_session_key(key) or store_agent or "main",
        session_id=nonempty_str(entry.get("sessionId")),
        session_key=key,
        kind=kind if isinstance(kind, str) else session_kind(key, entry),
        model=nonempty_str(entry.get("model")),
        model_provider=nonempty_str(entry.get("modelProvider")),
        status=nonempty_str(entry.get("status")),
        started_at=epoch_ms_to_utc(entry.get("sessionStartedAt"), plausible=True),
        updated_at=epoch_ms_to_utc(entry.get("updatedAt"), plausible=True),
        entry=entry,
        source=source,
    )


def session_kind(key: str, entry: dict[str, Any]) -> str:
    """The CLI's `kind` (OpenClaw 2026.9.6 `classifySessionKind`): cron, spawn-child, group or direct."""
    if key in ("global", "unknown"):
        return key
    parsed = split_agent_session_key(key)
    if parsed is not None and parsed[1].lower().startswith("cron:"):
        return "cron"
    if entry.get("spawnedBy"):
        return "spawn-child"
    if (
        entry.get("chatType") in ("group", "channel")
        or ":group:" in key.lower()
        or ":channel:" in key.lower()
    ):
        return "group"
    return "direct"


def _from_sqlite(state_dir: Path, agent_id: str, path: Path, problems: ProblemLog) -> list[SessionRecord]:
    rel = relative(state_dir, path)
    records = []
    try:
        conn = connect_readonly(path)
        try:
            # entry_valid is 0 until `openclaw doctor` validates a row (so in every backup copy): the
            # entry is still what OpenClaw wrote, so it is read regardless.
            rows = conn.execute(
                "SELECT session_key, current_session_id, entry_json FROM session_nodes ORDER BY session_key"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        problems.add(rel, f"cannot read session_nodes: {exc}")
        return []
    for key, session_id, text in rows:
        try:
            entry = json.loads(text)
        except (TypeError, ValueError) as exc:
            problems.add(rel, f"entry_json is not JSON: {exc}", row=f"session_nodes {key}")
            continue
        if not isinstance(entry, dict):
            problems.add(rel, "entry_json is not an object", row=f"session_nodes {key}")
            continue
        entry.setdefault("sessionId", session_id)
        records.append(session_record(key, entry, agent_id, "sqlite"))
    return records
