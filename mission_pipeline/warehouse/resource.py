"""The target database as a Dagster resource: resolved once per run, migrated before the first write."""

from collections.abc import Callable

import dagster as dg
import psycopg
from psycopg.rows import TupleRow
from pydantic import Field, PrivateAttr

from mission_pipeline.settings import Settings, get_settings
from mission_pipeline.warehouse.database import DatabaseTarget, resolve_target
from mission_pipeline.warehouse.embedded import DEFAULT_DATABASE
from mission_pipeline.warehouse.migrations import apply_migrations

# Migrate once per process and database, not once per asset; say where writes go once per run.
_migrated: set[str] = set()
_announced_runs: set[str] = set()


def announce_target(
    settings: Settings, *, log: Callable[[str], None], embedded_database: str = DEFAULT_DATABASE
) -> DatabaseTarget:
    """Resolve the target (starting the embedded server if needed) and say where writes go.

    Does not connect to a database named by SUPABASE_DB_URL.
    """
    target = resolve_target(settings, embedded_database=embedded_database)
    if target.embedded and embedded_database != DEFAULT_DATABASE:
        log(f"Writing to {target.description}, a database of its own in the embedded PostgreSQL.")
    elif target.embedded:
        log(
            f"Writing to the embedded PostgreSQL in {settings.embedded_pgdata} because SUPABASE_DB_URL is "
            "not set. To write to Supabase, set SUPABASE_DB_URL to the project's Postgres connection string "
            "(Supabase dashboard > Connect); MISSION_PIPELINE_ENV=production makes its absence an error."
        )
    else:
        log(f"Writing to {target.description}")
    return target


def migrate_once(target: DatabaseTarget, *, log: Callable[[str], None]) -> None:
    """Apply pending migrations to `target`, once per process."""
    if target.url in _migrated:
        return
    report = apply_migrations(target, log=log)
    for label in report.changed_since_applied:
        log(f"warning: migration {label} changed after it was applied; its new text was not run")
    _migrated.add(target.url)


def open_warehouse(
    settings: Settings, *, log: Callable[[str], None], embedded_database: str = DEFAULT_DATABASE
) -> DatabaseTarget:
    """Resolve the target (starting the embedded server if needed), say where writes go, migrate."""
    target = announce_target(settings, log=log, embedded_database=embedded_database)
    if settings.auto_migrate:
        migrate_once(target, log=log)
    return target


class PostgresWarehouse(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The Postgres database the pipeline writes to (Supabase, or the embedded default)."""

    embedded_database: str = Field(
        default=DEFAULT_DATABASE,
        description="The embedded server's database to use when SUPABASE_DB_URL is not set.",
    )

    _target: DatabaseTarget | None = PrivateAttr(default=None)
    # Where to log the migration still due at first use of the target (None: none due).
    _migrate_log: Callable[[str], None] | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run_id = context.run.run_id if context.run is not None else ""
        first_in_run = run_id not in _announced_runs
        _announced_runs.add(run_id)
        log = context.log.info if context.log is not None and first_in_run else (lambda _msg: None)
        settings = get_settings()
        # No connection here: resources are set up once per run, outside any step, so an unreachable
        # database would fail the run at once. The first step that uses the target connects (and
        # migrates), where the steps' retry policy applies.
        self._target = announce_target(settings, log=log, embedded_database=self.embedded_database)
        self._migrate_log = log if settings.auto_migrate else None

    @property
    def target(self) -> DatabaseTarget:
        if self._target is None:
            # Used outside a run (a sensor, a script): resolve quietly, without migrating.
            self._target = resolve_target(get_settings(), embedded_database=self.embedded_database)
        if self._migrate_log is not None:
            migrate_once(self._target, log=self._migrate_log)
            self._migrate_log = None
        return self._target

    def connect(self, *, autocommit: bool = True) -> psycopg.Connection[TupleRow]:
        """A new connection to the target; the caller closes it (use it as a context manager)."""
        return self.target.connect(autocommit=autocommit)
