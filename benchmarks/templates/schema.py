"""A new agent database (`openclaw-agent.sqlite`) with the real OpenClaw 2026.9.6 schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.templates.samples import V9

# The tables an FTS5 virtual table creates for itself: creating them again would fail.
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
