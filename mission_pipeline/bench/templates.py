"""Real OpenClaw lines, rows and schema, loaded from the sample state directories and made fillable.

The benchmark's generator writes nothing of its own invention where OpenClaw wrote something real: every
transcript line is a line OpenClaw 2026.9.6 or 2026.5.28 wrote in `mission_pipeline_tests/data/
openclaw-samples/`, with its key order and nesting kept byte for byte and only the values (ids, times,
models, token counts, texts) replaced. The SQLite schema is copied statement by statement from a real
`openclaw-agent.sqlite`; session-store rows and `sessions.json` entries start from real ones.

A `LineTemplate` is the real line serialized with marker strings at the leaves to fill, split once into
literal parts, so rendering a line is one `str.join` (a million lines must not cost a million
`copy.deepcopy` + `json.dumps`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[2] / "mission_pipeline_tests" / "data" / "openclaw-samples"
V9 = SAMPLES / "v2026.9.6" / "state"
V5 = SAMPLES / "v2026.5.28" / "state"

Path_ = tuple[str | int, ...]
_MARK = re.compile(r'"@@([A-Za-z0-9_]+)@@"')


def dumps(value: Any) -> str:
    """JSON as OpenClaw (JavaScript's JSON.stringify) writes it: compact, non-ASCII unescaped, and
    numbers as JavaScript prints them (0.0000336, not Python's 3.36e-05)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_string(k)}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return _render_value(value)


_string = encode_basestring  # json.dumps(value, ensure_ascii=False), without its overhead


def js_number(value: float) -> str:
    """A number as JavaScript's `String(n)` writes it (positional between 1e-7 and 1e21)."""
    text = repr(value)
    if "e" in text:
        if 1e-7 <= abs(value) < 1e21:
            return format(Decimal(text), "f")
        return text
    if text.endswith(".0"):
        return text[:-2]
    return text


def _render_value(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is int:
        return str(value)
    if kind is float:
        return js_number(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return _string(str(value))


class LineTemplate:
    """One real line with some leaves made fillable (`render(**values)` gives the new line)."""

    def __init__(self, real_line: str, fields: Mapping[str, Path_], *, drop: Sequence[Path_] = ()) -> None:
        data = json.loads(real_line)
        if dumps(data) != real_line.rstrip("\n"):
            raise ValueError("template line does not round-trip; pick another real line")
        for path in drop:
            parent = _walk(data, path[:-1])
            del parent[path[-1]]
        for name, path in fields.items():
            parent = _walk(data, path[:-1])
            leaf = path[-1]
            missing = leaf not in parent if isinstance(parent, dict) else int(leaf) >= len(parent)
            if missing:
                raise KeyError(f"template has no leaf {path}")
            parent[path[-1]] = f"@@{name}@@"
        pieces = _MARK.split(dumps(data))
        self.literals: list[str] = pieces[0::2]
        self.names: list[str] = pieces[1::2]
        self.real = real_line

    def render(self, values: Mapping[str, Any]) -> str:
        out = [self.literals[0]]
        for name, literal in zip(self.names, self.literals[1:], strict=True):
            out.append(_render_value(values[name]))
            out.append(literal)
        return "".join(out)


def _walk(data: Any, path: Path_) -> Any:
    for step in path:
        data = data[step]
    return data


# --- real lines ---------------------------------------------------------------------------------------


def _sqlite_lines(db: Path, session_id: str) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT event_json FROM transcript_events WHERE session_id = ? ORDER BY seq", (session_id,)
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def _trajectory_rows(db: Path, session_id: str) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT event_json FROM trajectory_runtime_events WHERE session_id = ? ORDER BY seq",
            (session_id,),
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def _pick(lines: Sequence[str], test: Callable[[dict[str, Any]], bool], what: str) -> str:
    for line in lines:
        if test(json.loads(line)):
            return line.rstrip("\n")
    raise LookupError(f"no real line for {what} in the samples")


def _msg(role: str, stop: str | None = None) -> Callable[[dict[str, Any]], bool]:
    def test(d: dict[str, Any]) -> bool:
        m = d.get("message") or {}
        return (
            d.get("type") == "message"
            and m.get("role") == role
            and (stop is None or m.get("stopReason") == stop)
        )

    return test


def _custom(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda d: d.get("type") == "custom" and d.get("customType") == kind


def _typed(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda d: d.get("type") == kind


def _traj(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda d: d.get("type") == kind


_ENTRY = {"id": ("id",), "parent": ("parentId",), "ts": ("timestamp",)}
_USAGE = {
    "provider": ("message", "provider"),
    "model": ("message", "model"),
    "input": ("message", "usage", "input"),
    "output": ("message", "usage", "output"),
    "cache_read": ("message", "usage", "cacheRead"),
    "cache_write": ("message", "usage", "cacheWrite"),
    "total_tokens": ("message", "usage", "totalTokens"),
    "cost_input": ("message", "usage", "cost", "input"),
    "cost_output": ("message", "usage", "cost", "output"),
    "cost_cache_read": ("message", "usage", "cost", "cacheRead"),
    "cost_cache_write": ("message", "usage", "cost", "cacheWrite"),
    "cost_total": ("message", "usage", "cost", "total"),
    "msg_ts": ("message", "timestamp"),
    "response_id": ("message", "responseId"),
}


@dataclass(frozen=True)
class TranscriptTemplates:
    """The line kinds of one OpenClaw version's transcripts."""

    version: str
    header: LineTemplate
    model_change: LineTemplate
    thinking: LineTemplate
    snapshot: LineTemplate
    user: LineTemplate
    assistant: LineTemplate
    assistant_tool: LineTemplate
    tool_result: LineTemplate
    cache_ttl: LineTemplate | None
    error: LineTemplate
    trajectory: dict[str, LineTemplate]


def _trajectory_templates(lines: Sequence[str]) -> dict[str, LineTemplate]:
    common = {
        "trace": ("traceId",),
        "ts": ("ts",),
        "seq": ("seq",),
        "source_seq": ("sourceSeq",),
        "sid": ("sessionId",),
        "key": ("sessionKey",),
        "run": ("runId",),
        "cwd": ("workspaceDir",),
        "model": ("modelId",),
    }
    out: dict[str, LineTemplate] = {}
    out["session.started"] = LineTemplate(_pick(lines, _traj("session.started"), "session.started"), common)
    completed = _pick(lines, _traj("model.completed"), "model.completed")
    usage = {
        f"u_{k}": ("data", "usage", k) for k in ("input", "output", "cacheRead", "cacheWrite", "total")
    } | {
        f"l_{k}": ("data", "promptCache", "lastCallUsage", k)
        for k in ("input", "output", "cacheRead", "cacheWrite", "total")
    }
    snap = ("data", "messagesSnapshot", 1)
    snapshot_usage = {
        f"s_{k}": (*snap, "usage", k) for k in ("input", "output", "cacheRead", "cacheWrite", "totalTokens")
    } | {"s_cost": (*snap, "usage", "cost", "total"), "s_response": (*snap, "responseId")}
    out["model.completed"] = LineTemplate(completed, common | usage | snapshot_usage)
    out["session.ended"] = LineTemplate(_pick(lines, _traj("session.ended"), "session.ended"), common)
    return out


@cache
def v9_templates() -> TranscriptTemplates:
    """OpenClaw 2026.9.6 (`transcript_events.event_json`): uuid ids, header version 4, contextUsage."""
    max_db = V9 / "agents" / "max" / "agent" / "openclaw-agent.sqlite"
    dash_db = V9 / "agents" / "dash" / "agent" / "openclaw-agent.sqlite"
    lines = _sqlite_lines(max_db, "dcbadea1-f479-4c3d-beda-d5b67c30c6c7")  # a tool round trip
    dash = [line for sid in ("92ed4ac0-f70d-4c74-839a-d1e45b34007f",) for line in _sqlite_lines(dash_db, sid)]
    run = {"run": ("message", "__openclaw", "runId")}
    usage = (
        _ENTRY
        | _USAGE
        | run
        | {
            "prompt_tokens": ("message", "usage", "contextUsage", "promptTokens"),
            "context_total": ("message", "usage", "contextUsage", "totalTokens"),
            "response_model": ("message", "responseModel"),
        }
    )
    return TranscriptTemplates(
        version="2026.9.6",
        header=LineTemplate(
            _pick(lines, _typed("session"), "session"),
            {"sid": ("id",), "ts": ("timestamp",), "cwd": ("cwd",)},
        ),
        model_change=LineTemplate(
            _pick(lines, _typed("model_change"), "model_change"),
            {"provider": ("provider",), "model": ("modelId",), "id": ("id",), "ts": ("timestamp",)},
        ),
        thinking=LineTemplate(_pick(lines, _typed("thinking_level_change"), "thinking"), _ENTRY),
        snapshot=LineTemplate(
            _pick(lines, _custom("model-snapshot"), "model-snapshot"),
            _ENTRY
            | {
                "data_ts": ("data", "timestamp"),
                "provider": ("data", "provider"),
                "model": ("data", "modelId"),
            },
        ),
        user=LineTemplate(
            _pick(lines, _msg("user"), "user"),
            _ENTRY
            | {
                "text": ("message", "content"),
                "msg_ts": ("message", "timestamp"),
                "idem": ("message", "idempotencyKey"),
            },
        ),
        assistant=LineTemplate(
            _pick(lines, _msg("assistant", "stop"), "assistant"),
            usage | {"text": ("message", "content", 0, "text")},
        ),
        assistant_tool=LineTemplate(
            _pick(lines, _msg("assistant", "toolUse"), "assistant toolUse"),
            usage
            | {
                "text": ("message", "content", 0, "text"),
                "tool_id": ("message", "content", 1, "id"),
                "tool_path": ("message", "content", 1, "arguments", "path"),
            },
        ),
        tool_result=LineTemplate(
            _pick(lines, _msg("toolResult"), "toolResult"),
            _ENTRY
            | run
            | {
                "tool_id": ("message", "toolCallId"),
                "text": ("message", "content", 0, "text"),
                "details": ("message", "details", "content"),
                "msg_ts": ("message", "timestamp"),
            },
        ),
        cache_ttl=LineTemplate(
            _pick(lines, _custom("openclaw.cache-ttl"), "cache-ttl"),
            _ENTRY
            | {
                "key": ("data", "frozenToolResults", 0, "key"),
                "hash": ("data", "frozenToolResults", 0, "sourceHash"),
            },
        ),
        error=LineTemplate(
            _pick(dash, _msg("assistant", "error"), "error"),
            _ENTRY
            | run
            | {
                "provider": ("message", "provider"),
                "model": ("message", "model"),
                "msg_ts": ("message", "timestamp"),
                "idem": ("message", "idempotencyKey"),
            },
        ),
        trajectory=_trajectory_templates(_trajectory_rows(max_db, "dcbadea1-f479-4c3d-beda-d5b67c30c6c7")),
    )


@cache
def v5_templates() -> TranscriptTemplates:
    """OpenClaw 2026.5.28 (`<sessionId>.jsonl`): 8-hex ids, header version 3, envelope in user text."""
    sessions = V5 / "agents" / "max" / "sessions"
    lines = (sessions / "a61dbb21-2c17-442e-b0bd-fc4e082aebb9.jsonl").read_text(encoding="utf-8").splitlines()
    dash = (
        (V5 / "agents" / "dash" / "sessions" / "2bc1bba7-21f5-4634-9b65-3fbf0705ec12.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    trajectory = (
        (sessions / "93ffadae-bc6d-4497-9983-a6686f850c4f.trajectory.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    usage = _ENTRY | _USAGE
    return TranscriptTemplates(
        version="2026.5.28",
        header=LineTemplate(
            _pick(lines, _typed("session"), "session"),
            {"sid": ("id",), "ts": ("timestamp",), "cwd": ("cwd",)},
        ),
        model_change=LineTemplate(
            _pick(lines, _typed("model_change"), "model_change"),
            {"id": ("id",), "ts": ("timestamp",), "provider": ("provider",), "model": ("modelId",)},
        ),
        thinking=LineTemplate(_pick(lines, _typed("thinking_level_change"), "thinking"), _ENTRY),
        snapshot=LineTemplate(
            _pick(lines, _custom("model-snapshot"), "model-snapshot"),
            _ENTRY
            | {
                "data_ts": ("data", "timestamp"),
                "provider": ("data", "provider"),
                "model": ("data", "modelId"),
            },
        ),
        user=LineTemplate(
            _pick(lines, _msg("user"), "user"),
            _ENTRY | {"text": ("message", "content", 0, "text"), "msg_ts": ("message", "timestamp")},
        ),
        assistant=LineTemplate(
            _pick(lines, _msg("assistant", "stop"), "assistant"),
            usage | {"text": ("message", "content", 0, "text")},
        ),
        assistant_tool=LineTemplate(
            _pick(lines, _msg("assistant", "toolUse"), "assistant toolUse"),
            usage
            | {
                "text": ("message", "content", 0, "text"),
                "tool_id": ("message", "content", 1, "id"),
                "tool_path": ("message", "content", 1, "arguments", "path"),
            },
        ),
        tool_result=LineTemplate(
            _pick(lines, _msg("toolResult"), "toolResult"),
            _ENTRY
            | {
                "tool_id": ("message", "toolCallId"),
                "text": ("message", "content", 0, "text"),
                "msg_ts": ("message", "timestamp"),
            },
        ),
        cache_ttl=None,  # 2026.5.28 writes no cache-ttl line after a tool result
        error=LineTemplate(
            _pick(dash, _msg("assistant", "error"), "error"),
            _ENTRY
            | {
                "provider": ("message", "provider"),
                "model": ("message", "model"),
                "msg_ts": ("message", "timestamp"),
            },
        ),
        trajectory=_trajectory_templates(trajectory),
    )


# --- the session store ----------------------------------------------------------------------------------


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


def config(version: str) -> dict[str, Any]:
    """The real `openclaw.json` of a sample version (the generator replaces its agents)."""
    base = V9 if version == "2026.9.6" else V5
    data: dict[str, Any] = json.loads((base / "openclaw.json").read_text(encoding="utf-8"))
    return data


# --- the SQLite schema --------------------------------------------------------------------------------


_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")


def create_agent_database(path: Path, agent_id: str) -> None:
    """A new, empty `openclaw-agent.sqlite` with the real 2026.9.6 schema (every table, index, trigger,
    FTS table and the schema version), and its `schema_meta` row naming `agent_id`."""
    source = sqlite3.connect(
        f"file:{V9 / 'agents' / 'max' / 'agent' / 'openclaw-agent.sqlite'}?mode=ro", uri=True
    )
    try:
        objects = source.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        ).fetchall()
        user_version = source.execute("PRAGMA user_version").fetchone()[0]
        page_size = source.execute("PRAGMA page_size").fetchone()[0]
        meta_cols = [r[1] for r in source.execute("PRAGMA table_info(schema_meta)")]
        meta = source.execute("SELECT * FROM schema_meta").fetchall()
    finally:
        source.close()
    virtual = {
        name
        for kind, name, _t, sql in objects
        if kind == "table" and sql.upper().startswith("CREATE VIRTUAL")
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = writer_connection(path)
    try:
        conn.execute(f"PRAGMA page_size = {int(page_size)}")
        conn.execute("BEGIN")
        order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
        for kind, name, _table, sql in sorted(objects, key=lambda o: order.get(o[0], 4)):
            if kind == "table" and any(name == f"{v}_{part}" for v in virtual for part in _FTS5_SHADOWS):
                continue  # an FTS shadow table: created by its virtual table
            if name.startswith("sqlite_"):
                continue
            conn.execute(sql)
        conn.execute(f"PRAGMA user_version = {int(user_version)}")
        for row in meta:
            values = dict(zip(meta_cols, row, strict=True))
            if "agent_id" in values:
                values["agent_id"] = agent_id
            cols = ", ".join(values)
            conn.execute(
                f"INSERT INTO schema_meta ({cols}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )
        conn.execute("COMMIT")
    finally:
        conn.close()


def writer_connection(path: Path) -> sqlite3.Connection:
    """A connection that can write an agent database: OpenClaw's CHECK constraints call
    `octet_length()`, which SQLite has only since 3.43, so older libraries get it as a function."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function(
        "octet_length",
        1,
        lambda v: None if v is None else len(v.encode() if isinstance(v, str) else v),
        deterministic=True,
    )
    return conn
