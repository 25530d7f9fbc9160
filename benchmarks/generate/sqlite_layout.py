"""The 2026.9.6 SQLite layout of one state dir (`sqlite/state`).

`agents/<id>/agent/openclaw-agent.sqlite` with the real schema: `transcript_events` rows inserted in
global time order (`sqlite_events`), `session_windows` and `session_nodes` (`sqlite_store`),
`trajectory_runtime_events`; deleted sessions leave their rows for a zstd archive (`sqlite_archive`).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import zstandard

from benchmarks.generate.config import agent_workspaces, write_v9_config
from benchmarks.generate.scale import Scale
from benchmarks.generate.sqlite_archive import archive_deleted
from benchmarks.generate.sqlite_events import TranscriptEvents
from benchmarks.generate.sqlite_store import insert_row, node_row, window_row
from benchmarks.generate.transcript import Session
from benchmarks.templates.schema import create_agent_database, writer_connection


class SqliteWriter:
    """The 2026.9.6 SQLite layout of one state dir, one agent database at a time."""

    def __init__(self, state: Path, scale: Scale, workspace: Path, agents: list[str]) -> None:
        self.state = state
        self.scale = scale
        self.rng = random.Random(scale.seed + 17)  # noqa: S311
        self.zstd = zstandard.ZstdCompressor(level=3)
        # Every agent database starts as a copy of one made from the real schema: cheaper than DDL each time.
        self.template = state / ".bench-agent-template.sqlite"
        state.mkdir(parents=True, exist_ok=True)
        create_agent_database(self.template, "template")
        self.cwd = agent_workspaces(state, agents, workspace)
        self.rows = 0
        self.bytes = 0
        self.zstd_rows = 0
        self.archives = 0

    def open(self, agent: str) -> None:
        """Start `agent`'s database: one transaction, no journal (a crash means regenerating anyway)."""
        path = self.state / "agents" / agent / "agent" / "openclaw-agent.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        (self.state / "agents" / agent / "sessions").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.template, path)
        self.conn = writer_connection(path)
        self.conn.execute("UPDATE schema_meta SET agent_id = ?", (agent,))
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("BEGIN")
        self.agent = agent
        self.events = TranscriptEvents(self.conn, self.rng, self.zstd, self.scale.zstd_share)
        self.current: dict[str, Session] = {}  # key → its latest session

    def write(self, session: Session) -> None:
        """The session's rows (sessions arrive in start order), or its archive if it was deleted."""
        plan = session.plan
        # Rows reach the table in time order across sessions, as a live Gateway appends them.
        self.events.flush_before(plan.start_ms)
        if plan.deleted_at is not None:
            sessions_dir = self.state / "agents" / plan.agent / "sessions"
            archive_deleted(self.conn, sessions_dir, session, self.rng, self.zstd)
            self.archives += 1
            return
        self.events.push(session)
        created_at = plan.start_ms - self.rng.randrange(100, 2000)
        insert_row(self.conn, "session_windows", window_row(session, created_at))
        self.current[plan.key] = session
        for seq, (ts, event) in enumerate(session.trajectory_v9):
            self.conn.execute(
                "INSERT INTO trajectory_runtime_events (session_id, seq, run_id, event_json, created_at)"
                " VALUES (?,?,?,?,?)",
                (plan.sid, seq, session.run_id, event, ts),
            )

    def close(self) -> None:
        """The agent's remaining rows and its `session_nodes`; commit and close its database."""
        self.events.flush_before(None)
        self.rows += self.events.rows
        self.bytes += self.events.bytes
        self.zstd_rows += self.events.zstd_rows
        for key, session in sorted(self.current.items()):
            insert_row(self.conn, "session_nodes", node_row(key, session))
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.close()

    def finish(self, config_agents: list[dict[str, Any]]) -> None:
        """Drop the template database and write `openclaw.json`."""
        self.template.unlink(missing_ok=True)
        write_v9_config(self.state, config_agents)
