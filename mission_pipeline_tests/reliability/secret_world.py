"""The setting of the secrets tests: a login role whose password a test sets, and a pipeline
environment around it (sample OpenClaw state, a Dagster instance, a local alert webhook).

`scenario` runs every `mission-pipeline` command in this process for one SUPABASE_DB_URL and says what
did not go as expected; `failed_day` runs usage_job in a real child process and alerts its failure.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline_tests.reliability.harness import (
    REPO,
    OwnServer,
    create_database,
    drop_database,
    subprocess_env,
)
from mission_pipeline_tests.reliability.secret_capture import (
    COMMANDS,
    Captured,
    alert,
    child,
    command,
    runs_and_files,
    webhook_server,
)

ROLE = "mp_prop_writer"
DAY = "2026-11-27"
# What `migrate` and `run` print (stderr, exit status 2) when the URL cannot be used.
REFUSALS = {
    "ambiguous": "mission-pipeline: SUPABASE_DB_URL is ambiguous",
    "invalid": "mission-pipeline: SUPABASE_DB_URL is not a valid PostgreSQL connection string",
    "unreachable": f"mission-pipeline: cannot connect to postgresql://{ROLE}@127.0.0.1:1/postgres: ",
}


def raw_outcome(password: str) -> str:
    """What a URL with `password` written raw must do: be refused, fail to parse, or work."""
    if not set(password).isdisjoint("@/?#"):
        return "ambiguous"
    return "invalid" if "%" in password or " " in password else "ok"


@dataclass(frozen=True)
class World:
    server: OwnServer
    database: str
    state: Path
    root: Path
    webhook: str

    def env(self, url: str, home: Path) -> dict[str, str]:
        """The pipeline's environment with SUPABASE_DB_URL=`url` (retries without delay)."""
        return {
            "SUPABASE_DB_URL": url,
            "ALERT_WEBHOOK_URL": self.webhook,
            "DAGSTER_HOME": str(home),
            "OPENCLAW_STATE_DIR": str(self.state),
            "OPENCLAW_CLI": "off",
            "MISSION_PIPELINE_DATA_DIR": str(self.root / "data"),
            "MISSION_PIPELINE_ENV": "production",
            "DB_RETRY_DELAY_SECONDS": "0",
        }

    def set_password(self, password: str) -> None:
        with psycopg.connect(self.server.url, autocommit=True) as conn:
            statement = sql.SQL("alter role {} password {}")
            conn.execute(statement.format(sql.Identifier(ROLE), sql.Literal(password)))

    def new_home(self) -> Path:
        """A fresh DAGSTER_HOME (SQLite storage, as the repository's dagster.yaml says)."""
        home = self.root / f"home-{len(list(self.root.glob('home-*')))}"
        home.mkdir()
        (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
        return home

    def url(self, password: str, *, reachable: bool) -> str:
        if reachable:
            socket = quote(self.server.socket_dir, safe="/")
            return f"postgresql://{ROLE}:{password}@/{self.database}?host={socket}"
        return f"postgresql://{ROLE}:{password}@127.0.0.1:1/postgres?connect_timeout=3"


@contextlib.contextmanager
def secret_world(server: OwnServer, root: Path) -> Iterator[World]:
    """A database and the login role on `server`, a copy of the sample state, a webhook server."""
    if not server.running():
        server.start()
    name = create_database(server.url)
    with psycopg.connect(server.url, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_roles where rolname = %s", (ROLE,)).fetchone():
            conn.execute(sql.SQL("create role {} login superuser").format(sql.Identifier(ROLE)))
    state = copy_state_dir(SAMPLE_STATE, root / "state")
    try:
        with webhook_server() as hook:
            yield World(server, name, state, root, hook)
    finally:
        drop_database(server.url, name)


def scenario(world: World, home: Path, captured: Captured, label: str, url: str, expect: str) -> list[str]:
    """Every command in this process with SUPABASE_DB_URL=`url`; what did not go as `expect` says."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in world.env(url, home).items():
            patch.setenv(key, value)
        results = {argv[0]: command(argv, captured, label) for argv in COMMANDS}
    doctor = results["doctor"][1]
    if expect == "ok":
        wrong = [
            f"{label}: {n} exited {r[0]}" for n, r in results.items() if n in ("migrate", "run") and r[0]
        ]
        return wrong + ([] if "  ok    database" in doctor else [f"{label}: doctor: {doctor}"])
    wrong = [
        f"{label}: {name} exited {status}: {err}"
        for name, (status, _out, err) in results.items()
        if name in ("migrate", "run") and (status != 2 or not err.startswith(REFUSALS[expect]))
    ]
    return wrong + ([] if "  FAIL  database" in doctor else [f"{label}: doctor: {doctor}"])


def failed_day(world: World, home: Path, url: str, captured: Captured, label: str) -> tuple[int, int]:
    """usage_job in a real child process with SUPABASE_DB_URL=`url`, then the alert sensor on its
    failed runs with the same environment; the child's exit status and the alerts sent."""
    env = world.env(url, home)
    day = [sys.executable, "-m", "mission_pipeline_tests.reliability.run_usage_day", DAY]
    before = runs_and_files(home, Captured(), label)
    status = child(day, subprocess_env(**env), captured, label, world.root)[0]
    after = runs_and_files(home, Captured(), label)
    failed = [run for run, s in after.items() if run not in before and s.value == "FAILURE"]
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        return status, alert(home, failed, captured, label)
