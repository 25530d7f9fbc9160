"""The target database as a Dagster resource: resolved once per run, migrated before the first write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import psycopg
from psycopg.rows import TupleRow
from pydantic import Field, PrivateAttr

from mission_pipeline.settings import Settings, default_data_dir
from mission_pipeline.warehouse.database import DatabaseTarget, WarehouseError, resolve_target
from mission_pipeline.warehouse.embedded import DEFAULT_DATABASE
from mission_pipeline.warehouse.migrations import apply_migrations

ENVIRONMENTS = ("development", "production")
# Migrate once per process and database, not once per asset; say where writes go once per run.
_migrated: set[str] = set()
_announced_runs: set[str] = set()


class PostgresWarehouse(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The Postgres database the pipeline writes to (Supabase, or the embedded default).

    The definitions feed these fields from the environment (`defs/env_resources.py`); tests and
    `mission-pipeline` set them directly.
    """

    # repr=False: the resource's repr never shows the password. Set it with dg.EnvVar so Dagster's
    # UI and the run's stored job snapshot show the variable's name, never its value.
    database_url: str | None = Field(
        default=None,
        repr=False,
        description="Postgres connection string of the Supabase project (SUPABASE_DB_URL; direct, "
        "session or transaction pooler). Unset: the embedded PostgreSQL, except in production.",
    )
    environment: str = Field(
        default="development",
        description="development or production (MISSION_PIPELINE_ENV): production refuses to write "
        "to the embedded database when no database_url is set.",
    )
    data_dir: str | None = Field(
        default=None,
        description="Folder of the embedded PostgreSQL's data, under postgres/ (MISSION_PIPELINE_DATA_DIR). "
        "Unset: $XDG_DATA_HOME/mission-pipeline, else ~/.local/share/mission-pipeline.",
    )
    embedded_database: str = Field(
        default=DEFAULT_DATABASE,
        description="The embedded server's database to use when no database_url is set.",
    )
    auto_migrate: bool = Field(
        default=True, description="Apply pending migrations before the first write (AUTO_MIGRATE)."
    )

    _target: DatabaseTarget | None = PrivateAttr(default=None)
    # Where to log the migration still due at first use of the target (None: none due).
    _migrate_log: Callable[[str], None] | None = PrivateAttr(default=None)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, embedded_database: str = DEFAULT_DATABASE
    ) -> PostgresWarehouse:
        """The warehouse `settings` describe, with plain values: for the CLI, never handed to Dagster."""
        url = settings.supabase_db_url.get_secret_value() if settings.supabase_db_url else None
        return cls(
            database_url=url,
            environment=settings.mission_pipeline_env,
            data_dir=str(settings.mission_pipeline_data_dir),
            embedded_database=embedded_database,
            auto_migrate=settings.auto_migrate,
        )

    @property
    def embedded_pgdata(self) -> Path:
        """Where the embedded server keeps its data."""
        return (Path(self.data_dir) if self.data_dir else default_data_dir()) / "postgres"

    def resolve(self) -> DatabaseTarget:
        """The target these fields name (starting the embedded server if needed); no connection."""
        if self.environment not in ENVIRONMENTS:
            raise WarehouseError(
                f"MISSION_PIPELINE_ENV={self.environment!r} is not valid; expected development or production"
            )
        return resolve_target(
            self.database_url,
            production=self.environment == "production",
            embedded_pgdata=self.embedded_pgdata,
            embedded_database=self.embedded_database,
        )

    def announce(self, *, log: Callable[[str], None]) -> DatabaseTarget:
        """Resolve the target and say where writes go. Does not connect to a named database."""
        target = self.resolve()
        if target.embedded and self.embedded_database != DEFAULT_DATABASE:
            log(f"Writing to {target.description}, a database of its own in the embedded PostgreSQL.")
        elif target.embedded:
            log(
                f"Writing to the embedded PostgreSQL in {self.embedded_pgdata} because SUPABASE_DB_URL is "
                "not set. To write to Supabase, set SUPABASE_DB_URL to the project's Postgres connection "
                "string (Supabase dashboard > Connect); MISSION_PIPELINE_ENV=production makes its absence "
                "an error."
            )
        else:
            log(f"Writing to {target.description}")
        return target

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        run_id = context.run.run_id if context.run is not None else ""
        first_in_run = run_id not in _announced_runs
        _announced_runs.add(run_id)
        log = context.log.info if context.log is not None and first_in_run else (lambda _msg: None)
        # No connection here: resources are set up once per run, outside any step, so an unreachable
        # database would fail the run at once. The first step that uses the target connects (and
        # migrates), where the steps' retry policy applies.
        self._target = self.announce(log=log)
        self._migrate_log = log if self.auto_migrate else None

    @property
    def target(self) -> DatabaseTarget:
        if self._target is None:
            # Used outside a run (a sensor, a script): resolve quietly, without migrating.
            self._target = self.resolve()
        if self._migrate_log is not None:
            migrate_once(self._target, log=self._migrate_log)
            self._migrate_log = None
        return self._target

    def connect(self, *, autocommit: bool = True) -> psycopg.Connection[TupleRow]:
        """A new connection to the target; the caller closes it (use it as a context manager)."""
        return self.target.connect(autocommit=autocommit)


def migrate_once(target: DatabaseTarget, *, log: Callable[[str], None]) -> None:
    """Apply pending migrations to `target`, once per process."""
    if target.url in _migrated:
        return
    report = apply_migrations(target, log=log)
    for label in report.changed_since_applied:
        log(f"warning: migration {label} changed after it was applied; its new text was not run")
    _migrated.add(target.url)


def open_warehouse(warehouse: PostgresWarehouse, *, log: Callable[[str], None]) -> DatabaseTarget:
    """Resolve the target (starting the embedded server if needed), say where writes go, migrate."""
    target = warehouse.announce(log=log)
    if warehouse.auto_migrate:
        migrate_once(target, log=log)
    return target
