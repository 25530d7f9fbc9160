"""Deployment test fixtures: Dagster's storage on a real PostgreSQL, set up as deploy/README.md says."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import psycopg
import pytest

from mission_pipeline_tests.fixtures.postgres import database_url

REPO = Path(__file__).resolve().parents[2]
PRODUCTION_YAML = REPO / "deploy" / "dagster.production.yaml"
DAGSTER_ROLE_PASSWORD = "Dagster-role-pw:7/x@y%"  # URL-special characters on purpose


@dataclass(frozen=True)
class DagsterDatabase:
    """A database for Dagster's storage: the DAGSTER_PG_* variables to reach it, and a superuser URL."""

    env: dict[str, str]
    admin_url: str


def dagster_pg_env(server_url: str, database: str, user: str, password: str) -> dict[str, str]:
    """DAGSTER_PG_* for `database` on the server of `server_url`; a Unix socket goes through PGHOST."""
    parts = urlsplit(server_url)
    socket_dir = dict(parse_qsl(parts.query)).get("host", "")
    env = {
        "DAGSTER_PG_HOST": parts.hostname or "",
        "DAGSTER_PG_PORT": str(parts.port or 5432),
        "DAGSTER_PG_USER": user,
        "DAGSTER_PG_PASSWORD": password,
        "DAGSTER_PG_DB": database,
    }
    if socket_dir.startswith("/"):
        # libpq takes the socket directory from PGHOST when the URL names no host.
        env["DAGSTER_PG_HOST"], env["PGHOST"] = "", socket_dir
    return env


@pytest.fixture
def dagster_database(pg_server_url: str) -> Iterator[DagsterDatabase]:
    """A fresh database with a login role whose search_path is its own `dagster` schema.

    This is the setup deploy/README.md gives for Supabase: Dagster's tables stay out of `public`
    and so out of the Data API.
    """
    suffix = uuid.uuid4().hex[:10]
    name, role = f"mp_dagster_{suffix}", f"dagster_{suffix}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f"create database {name}")
        conn.execute(f"create role {role} login password '{DAGSTER_ROLE_PASSWORD}'")
    admin_url = database_url(pg_server_url, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"create schema dagster authorization {role}")
        conn.execute(f"alter role {role} in database {name} set search_path = dagster")
    try:
        yield DagsterDatabase(dagster_pg_env(pg_server_url, name, role, DAGSTER_ROLE_PASSWORD), admin_url)
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f"drop database if exists {name} with (force)")
            conn.execute(f"drop role if exists {role}")


@pytest.fixture
def production_home(tmp_path: Path) -> Path:
    """A DAGSTER_HOME holding deploy/dagster.production.yaml as its dagster.yaml."""
    home = tmp_path / "dagster-home"
    home.mkdir()
    (home / "dagster.yaml").write_text(PRODUCTION_YAML.read_text())
    return home
