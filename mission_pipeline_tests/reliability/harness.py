"""Test-side helpers of the fault and secret tests: child runs, table snapshots, figures.

* `Zygote`: client of `zygote.py`, which forks real `usage_job` runs on request.
* `table_digests`: every row of the usage tables (minus the columns the database maintains), as a
  count and an md5 over the sorted rows, so two states compare exactly without shipping rows around.
* `write_activity`: what the child's backends are doing right now (which table's write transaction,
  which statement), read from pg_stat_activity and pg_locks, to say where a kill landed.
* `record`: prints `reliability: <case>: ...` and writes test-artifacts/reliability/<case>.json.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psycopg
import psycopg.sql
import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "reliability"
FULL = os.environ.get("MISSION_PIPELINE_FULL_RELIABILITY", "") not in ("", "0", "false", "no")
# The columns Postgres maintains itself: equal data written at another moment differs only there.
MANAGED = ("id", "created_at", "updated_at")
USAGE_TABLES = ("openclaw_usage_events", "agent_usage_by_model", "agent_usage")
APP = "mission-pipeline"


def size(default: int, full: int) -> int:
    """`full` under MISSION_PIPELINE_FULL_RELIABILITY=1, else `default`."""
    return full if FULL else default


# The marks of a module of slow fault tests: the full size outlasts the suite's 600 s per-test timeout.
SLOW_AT_FULL_SIZE = [pytest.mark.slow, pytest.mark.timeout(size(600, 7200))]


def record(case: str, summary: str, figures: Mapping[str, Any]) -> None:
    """Print the one-line figure and keep the details as JSON for docs/reliability
    (test-artifacts/reliability/<case>.default.json, or <case>.full.json at the full size)."""
    line = f"reliability: {case}: {summary}"
    print(line)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    payload = {"case": case, "summary": line, "full_size": FULL, **figures}
    name = f"{case}.{'full' if FULL else 'default'}.json"
    (ARTIFACTS / name).write_text(json.dumps(payload, indent=2, default=str) + "\n")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# --- databases ------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` (a socket URL keeps its host parameter)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_database(server_url: str, *, template: str | None = None) -> str:
    """A new database (a copy of `template`); waits for a finished run's backends to leave the template."""
    name = f"mp_rel_{uuid.uuid4().hex[:10]}"
    deadline = time.monotonic() + 30
    with psycopg.connect(server_url, autocommit=True) as conn:
        while True:
            try:
                conn.execute(f"create database {name}" + (f" template {template}" if template else ""))
                return name
            except psycopg.errors.ObjectInUse:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")


def table_digests(url: str, tables: tuple[str, ...] = USAGE_TABLES) -> dict[str, tuple[int, str]]:
    """table -> (rows, md5 of every row's text, sorted), managed columns left out."""
    out: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables:
            columns = [
                row[0]
                for row in conn.execute(
                    "select column_name from information_schema.columns where table_schema = 'public'"
                    " and table_name = %s order by ordinal_position",
                    (table,),
                )
                if row[0] not in MANAGED
            ]
            cols = ", ".join(f'"{c}"' for c in columns)
            row = conn.execute(
                f"select count(*), md5(coalesce(string_agg(r, E'\\n' order by r), ''))"
                f" from (select ({cols})::text as r from public.{table}) s"
            ).fetchone()
            assert row is not None
            out[table] = (int(row[0]), str(row[1]))
    return out


def classify(state: dict[str, tuple[int, str]], **snapshots: dict[str, tuple[int, str]]) -> dict[str, str]:
    """table -> name of the snapshot it equals exactly, or "MIXED"."""
    return {
        table: next((name for name, snap in snapshots.items() if snap[table] == digest), "MIXED")
        for table, digest in state.items()
    }


_ACTIVITY = """
select a.pid, a.state, a.xact_start is not null, left(a.query, 300),
       (select string_agg(t.name, ',') from pg_locks l
          join unnest(%(tables)s::text[]) as t(name)
            on hashtextextended('mission-pipeline:public.' || t.name, 0)
               = ((l.classid::bigint << 32) | l.objid::bigint)
         where l.pid = a.pid and l.locktype = 'advisory' and l.granted and l.objsubid = 1)
from pg_stat_activity a
where a.datname = %(db)s and a.application_name = %(app)s and a.pid <> pg_backend_pid()
"""


def statement_kind(query: str) -> str:
    q = query.strip().lower()
    for prefix, kind in (
        ("select pg_advisory_xact_lock(hashtext", "table lock"),
        ("create temp table", "create stage"),
        ("copy", "COPY into stage"),
        ("with written as (insert", "set-based upsert"),
        ("insert into", "set-based insert"),
        ("delete from", "set-based delete"),
        ("update ", "set-based update"),
    ):
        if q.startswith(prefix):
            return kind
    if q.startswith("select") and "mp_stage" in q:
        return "check of the staged rows"
    if q in ("commit", "begin"):
        return q.upper()
    if "to_regclass" in q or "pg_attribute" in q or "pg_catalog" in q or "information_schema" in q:
        return "catalog query (describe table)"
    return "other"


def write_activity(conn: psycopg.Connection[Any], database: str) -> list[dict[str, Any]]:
    """The child's backends in `database`: state, statement, and the usage table it holds the lock of."""
    rows = conn.execute(_ACTIVITY, {"tables": list(USAGE_TABLES), "db": database, "app": APP}).fetchall()
    return [
        {"pid": pid, "state": state, "in_transaction": bool(xact), "query": query or "", "table": locked}
        for pid, state, xact, query, locked in rows
    ]


def wait_backends_gone(conn: psycopg.Connection[Any], database: str, timeout: float = 60) -> float:
    """Wait until no pipeline backend is left in `database` (a killed client's backend rolls back)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not write_activity(conn, database):
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"backends of the killed run still in {database} after {timeout}s")


# --- child runs -----------------------------------------------------------------------------------


@dataclass
class Child:
    pid: int
    log: Path
    result_file: Path
    started: float
    code: int | None = None
    ended: float | None = None

    def log_text(self) -> str:
        """What the run printed so far (empty before it wrote anything)."""
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def result(self) -> dict[str, Any] | None:
        if not self.result_file.exists():
            return None
        data: dict[str, Any] = json.loads(self.result_file.read_text())
        return data


@dataclass
class Zygote:
    """A running zygote.py; `spawn` forks one real usage_job run."""

    env: dict[str, str]
    workdir: Path
    process: subprocess.Popen[bytes] | None = None
    _replies: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    _exits: dict[int, tuple[int, float]] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def __enter__(self) -> Zygote:
        self.workdir.mkdir(parents=True, exist_ok=True)
        stderr = (self.workdir / "zygote.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mission_pipeline_tests.reliability.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=self.env,
            cwd=REPO,
        )
        stderr.close()
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()
        ready = self._replies.get(timeout=180)
        assert "ready" in ready, ready
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _read(self, stream: IO[bytes] | None) -> None:
        assert stream is not None
        for raw in stream:
            message = json.loads(raw)
            if "exit" in message:
                with self._cond:
                    self._exits[message["exit"]] = (message["code"], time.monotonic())
                    self._cond.notify_all()
            else:
                self._replies.put(message)

    def spawn(self, argv: list[str], env: Mapping[str, str | None]) -> Child:
        assert self.process is not None and self.process.stdin is not None
        request_id = uuid.uuid4().hex[:8]
        log = self.workdir / f"run-{request_id}.log"
        result = self.workdir / f"run-{request_id}.json"
        request = {
            "id": request_id,
            "argv": argv,
            "env": {**env, "MP_TEST_RESULT": str(result)},
            "log": str(log),
        }
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        self.process.stdin.flush()
        reply = self._replies.get(timeout=60)
        assert reply.get("id") == request_id, reply
        return Child(pid=int(reply["pid"]), log=log, result_file=result, started=time.monotonic())

    def wait(self, child: Child, timeout: float = 300) -> int:
        with self._cond:
            if not self._cond.wait_for(lambda: child.pid in self._exits, timeout=timeout):
                raise AssertionError(f"run pid {child.pid} did not end within {timeout}s; log {child.log}")
            child.code, child.ended = self._exits[child.pid]
        return child.code

    def done(self, child: Child) -> bool:
        with self._cond:
            return child.pid in self._exits


def subprocess_env(**overrides: str | None) -> dict[str, str]:
    """This process's environment plus `overrides` (None removes), for a child run."""
    env = dict(os.environ)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


# --- a PostgreSQL server of the test's own (stopped and started by the test) ---------------------


class OwnServer:
    """An embedded PostgreSQL in a folder of its own: started, stopped (fast or crash), restarted."""

    def __init__(self, root: Path) -> None:
        self.pgdata = root / "pgdata"
        self.url = ""

    @property
    def socket_dir(self) -> str:
        from urllib.parse import parse_qs, urlsplit

        return parse_qs(urlsplit(self.url).query)["host"][0]

    def _pg_ctl(self, args: list[str]) -> None:
        from pgserver import _commands

        user = "pgserver" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
        getattr(_commands, "pg_ctl")(args, pgdata=self.pgdata, user=user, timeout=60)  # noqa: B009

    def start(self) -> float:
        """Start the server (initialising it the first time); returns the seconds it took."""
        started = time.monotonic()
        if not self.url:
            from mission_pipeline.warehouse.embedded import start_embedded_postgres

            self.url = start_embedded_postgres(self.pgdata)
        else:
            log = str(self.pgdata / "log")
            self._pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", log, "start"])
        return time.monotonic() - started

    def stop(self, mode: str = "fast") -> float:
        """Stop it: "fast" (a clean restart: sessions terminated) or "immediate" (a crash)."""
        started = time.monotonic()
        self._pg_ctl(["-w", "stop", "-m", mode])
        return time.monotonic() - started

    def running(self) -> bool:
        from mission_pipeline.warehouse.embedded import embedded_postgres_url

        return embedded_postgres_url(self.pgdata) is not None

    def require_password(self, role: str, password: str) -> None:
        """A login role with a password, and password (SCRAM) authentication for everyone but postgres."""
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(
                psycopg.sql.SQL("create role {} login superuser password {}").format(
                    psycopg.sql.Identifier(role), psycopg.sql.Literal(password)
                )
            )
            (self.pgdata / "pg_hba.conf").write_text(
                "local all postgres trust\nlocal all all scram-sha-256\n", encoding="utf-8"
            )
            conn.execute("select pg_reload_conf()")

    def role_url(self, role: str, password: str, database: str) -> str:
        """The URL a user would put in SUPABASE_DB_URL (password percent-encoded)."""
        from urllib.parse import quote

        host = quote(self.socket_dir, safe="/")
        return f"postgresql://{role}:{quote(password, safe='')}@/{database}?host={host}"
