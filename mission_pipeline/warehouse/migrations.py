"""Applies the SQL migrations of `supabase/migrations/` in order, once each.

Each migration runs in its own transaction under an advisory lock (transaction-scoped, so it also
works through Supabase's transaction pooler) and is recorded in mission_pipeline.schema_migrations.
Versions that `supabase db push` recorded count as applied too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import psycopg
from psycopg.rows import TupleRow

from mission_pipeline.warehouse.database import DatabaseTarget, WarehouseError

# One key for every migrator of this project on a database: "MPMIGRAT" as a number.
MIGRATION_LOCK_KEY = 0x4D504D4947524154
_FILE_NAME = re.compile(r"^(?P<version>\d{14})_(?P<name>[a-z0-9_]+)\.sql$")

_LEDGER_SQL = """
create schema if not exists mission_pipeline;
create table if not exists mission_pipeline.schema_migrations (
  version text primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
);
alter table mission_pipeline.schema_migrations enable row level security;
revoke all on table mission_pipeline.schema_migrations from public;
"""


class MigrationError(WarehouseError):
    """A migration failed; the database keeps the state from before that migration."""


@dataclass(frozen=True)
class Migration:
    """One SQL file of supabase/migrations."""

    version: str
    name: str
    sql: str = field(repr=False)

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


@dataclass
class MigrationReport:
    """What a migrate call did."""

    applied: list[str] = field(default_factory=list)
    already_applied: int = 0
    bootstrapped_supabase_roles: bool = False
    changed_since_applied: list[str] = field(default_factory=list)


def migrations_dir() -> Path:
    """The migrations folder: the repository's supabase/migrations, or the copy inside a wheel."""
    repo = Path(__file__).resolve().parents[2] / "supabase" / "migrations"
    if repo.is_dir():
        return repo
    return Path(str(resources.files("mission_pipeline.warehouse") / "sql" / "migrations"))


def load_migrations(directory: Path | None = None) -> list[Migration]:
    """The migrations of `directory` in version order; a misnamed .sql file is an error."""
    found = []
    for path in sorted((directory or migrations_dir()).glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path}: migration files are named <14-digit version>_<name>.sql")
        found.append(Migration(match["version"], match["name"], path.read_text(encoding="utf-8")))
    return found


def apply_migrations(
    target: DatabaseTarget,
    migrations: list[Migration] | None = None,
    *,
    log: Callable[[str], None] = lambda _msg: None,
) -> MigrationReport:
    """Apply every pending migration; a second call is a no-op."""
    migrations = load_migrations() if migrations is None else migrations
    report = MigrationReport()
    with target.connect(autocommit=True) as conn:
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
            report.bootstrapped_supabase_roles = _bootstrap_supabase_compat(conn)
            conn.execute(_LEDGER_SQL)
        for migration in migrations:
            _apply_one(conn, target, migration, report, log)
    return report


def pending_migrations(target: DatabaseTarget, migrations: list[Migration] | None = None) -> list[Migration]:
    """Migrations not yet applied to the target (read-only)."""
    migrations = load_migrations() if migrations is None else migrations
    with target.connect(autocommit=True) as conn:
        applied = _applied_versions(conn)
    return [m for m in migrations if m.version not in applied]


def _apply_one(
    conn: psycopg.Connection[TupleRow],
    target: DatabaseTarget,
    migration: Migration,
    report: MigrationReport,
    log: Callable[[str], None],
) -> None:
    label = f"{migration.version}_{migration.name}"
    try:
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
            applied = _applied_versions(conn)
            if migration.version in applied:
                report.already_applied += 1
                if applied[migration.version] not in (migration.checksum, None):
                    report.changed_since_applied.append(label)
                return
            conn.execute(migration.sql.encode())
            conn.execute(
                "insert into mission_pipeline.schema_migrations (version, name, checksum)"
                " values (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
    except psycopg.Error as exc:
        raise MigrationError(
            f"migration {label} failed on {target.description}: {target.redact(str(exc))}"
        ) from None
    report.applied.append(label)
    log(f"applied migration {label}")


def _applied_versions(conn: psycopg.Connection[TupleRow]) -> dict[str, str | None]:
    """version -> checksum (None for versions only the Supabase CLI recorded)."""
    applied: dict[str, str | None] = {}
    if _exists(conn, "supabase_migrations.schema_migrations"):
        for (version,) in conn.execute("select version from supabase_migrations.schema_migrations"):
            applied[str(version)] = None
    if _exists(conn, "mission_pipeline.schema_migrations"):
        for version, checksum in conn.execute(
            "select version, checksum from mission_pipeline.schema_migrations"
        ):
            applied[str(version)] = str(checksum)
    return applied


def _exists(conn: psycopg.Connection[TupleRow], relation: str) -> bool:
    row = conn.execute("select to_regclass(%s) is not null", (relation,)).fetchone()
    return bool(row and row[0])


def _bootstrap_supabase_compat(conn: psycopg.Connection[TupleRow]) -> bool:
    """On a plain PostgreSQL, create the roles and auth.jwt() Supabase has; never on Supabase itself."""
    row = conn.execute(
        "select exists (select 1 from pg_roles where rolname in ('supabase_admin', 'supabase_auth_admin')),"
        " (select count(*) from pg_roles where rolname in ('anon', 'authenticated', 'service_role')),"
        " to_regprocedure('auth.jwt()') is not null"
    ).fetchone()
    assert row is not None
    is_supabase, api_roles, has_jwt = bool(row[0]), int(row[1]), bool(row[2])
    if is_supabase:
        if api_roles < 3 or not has_jwt:
            raise MigrationError(
                "this Supabase database lacks the anon/authenticated/service_role roles or auth.jwt()"
            )
        return False
    if api_roles == 3 and has_jwt:
        return False
    sql = (resources.files("mission_pipeline.warehouse") / "sql" / "supabase_compat.sql").read_text()
    conn.execute(sql.encode())
    return True
