"""Read a recording: the assistant calls OpenClaw wrote per agent, and the ledger of served usage."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import zstandard


def recorded_calls(state: Path) -> dict[str, list[dict[str, Any]]]:
    """Per agent, the assistant messages with a `usage` object, in transcript order."""
    calls: dict[str, list[dict[str, Any]]] = {}
    inflate = zstandard.ZstdDecompressor()
    for database in sorted(state.glob("agents/*/agent/openclaw-agent.sqlite")):
        agent = database.parent.parent.name
        conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(transcript_events)")}
            zstd = "event_zstd" if "event_zstd" in columns else "NULL"
            rows = conn.execute(
                f"SELECT CAST(event_json AS BLOB), {zstd} FROM transcript_events ORDER BY seq"
            ).fetchall()
        finally:
            conn.close()
        for text, packed in rows:
            data = text if text is not None else inflate.decompress(packed, max_output_size=64 << 20)
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
