"""Read a recording: the assistant calls OpenClaw wrote per agent, and the ledger of served usage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mission_pipeline.openclaw.sqlite_files import connect_readonly, table_columns
from mission_pipeline.openclaw.transcripts import sqlite as db


def transcript_rows(database: Path) -> list[tuple[str, int, bytes]]:
    """(session id, seq, line) of every `transcript_events` row, in seq order, decoded by the
    pipeline's own SQLite reader (zstd rows inflated); a row it cannot read is an error here."""
    conn = connect_readonly(database)
    try:
        has_zstd = "event_zstd" in table_columns(conn, "transcript_events")
        sessions = [row[0] for row in conn.execute("SELECT DISTINCT session_id FROM transcript_events")]
        rows: list[tuple[str, int, bytes]] = []
        for session_id in sorted(sessions):
            for seq, data in db.iter_events(conn, session_id, None, None, has_zstd=has_zstd):
                if not isinstance(data, bytes):
                    raise ValueError(f"{database} {session_id} seq {seq}: {data.reason}")
                rows.append((session_id, seq, data))
    finally:
        conn.close()
    return sorted(rows, key=lambda row: row[1])


def recorded_calls(state: Path) -> dict[str, list[dict[str, Any]]]:
    """Per agent, the assistant messages with a `usage` object, in transcript order."""
    calls: dict[str, list[dict[str, Any]]] = {}
    for database in sorted(state.glob("agents/*/agent/openclaw-agent.sqlite")):
        agent = database.parent.parent.name
        for _session, _seq, data in transcript_rows(database):
            line = json.loads(data)
            message = line.get("message") if isinstance(line, dict) else None
            if isinstance(message, dict) and message.get("role") == "assistant" and message.get("usage"):
                calls.setdefault(agent, []).append(message)
    return calls


def served(ledger: Path) -> list[dict[str, Any]]:
    """Every response the stand-in served, in serial order."""
    lines = ledger.read_text(encoding="utf-8").splitlines()
    return sorted((json.loads(line) for line in lines if line.strip()), key=lambda e: int(e["serial"]))


def served_by_agent(ledger: Path) -> dict[str, list[dict[str, Any]]]:
    """Per agent, the served responses in that agent's call order."""
    result: dict[str, list[dict[str, Any]]] = {}
    for entry in served(ledger):
        result.setdefault(str(entry["agent"]), []).append(entry)
    for entries in result.values():
        entries.sort(key=lambda e: int(e["agent_call_index"]))
    return result


def usage_numbers(usage: dict[str, Any]) -> dict[str, Any]:
    """The token counts and costs of an OpenClaw `usage` object a cost engine must reproduce."""
    cost = usage.get("cost") or {}
    return {
        "input": usage.get("input"),
        "output": usage.get("output"),
        "cacheRead": usage.get("cacheRead"),
        "cacheWrite": usage.get("cacheWrite"),
        "cacheWrite1h": usage.get("cacheWrite1h"),
        "cost": {key: cost.get(key) for key in ("input", "output", "cacheRead", "cacheWrite", "total")},
        "totalOrigin": cost.get("totalOrigin"),
    }


def expected_from_served(entry: dict[str, Any]) -> dict[str, Any]:
    """The OpenClaw token fields the served Anthropic usage must become."""
    usage = entry["usage"]
    split = usage.get("cache_creation")
    return {
        "input": usage["input_tokens"],
        "output": usage["output_tokens"],
        "cacheRead": usage["cache_read_input_tokens"],
        "cacheWrite": usage["cache_creation_input_tokens"],
        "cacheWrite1h": None if split is None else split["ephemeral_1h_input_tokens"],
    }
