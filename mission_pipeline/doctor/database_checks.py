"""Where the pipeline writes: the database it reaches, and whether it has every migration."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from mission_pipeline.doctor.base import CheckBase
from mission_pipeline.doctor.connection_urls import supabase_connection_mode
from mission_pipeline.doctor.findings import Finding
from mission_pipeline.settings import Settings

if TYPE_CHECKING:
    from mission_pipeline.warehouse.database import DatabaseTarget


class DatabaseChecks(CheckBase):
    """The database the pipeline writes to, and its migrations."""

    def database(self, settings: Settings) -> tuple[Finding, DatabaseTarget | None]:
        import psycopg

        from mission_pipeline.warehouse.database import DatabaseTarget, WarehouseError
        from mission_pipeline.warehouse.embedded import embedded_postgres_url

        url = settings.supabase_db_url.get_secret_value().strip() if settings.supabase_db_url else ""
        if url:
            try:
                target = DatabaseTarget.from_url(url, extra_secrets=tuple(self.secrets))
            except WarehouseError as exc:  # ambiguous or malformed: refused before connecting
                return Finding(
                    "database", "fail", "SUPABASE_DB_URL is unusable", (self.hide(str(exc)),)
                ), None
            mode = supabase_connection_mode(target.url)
        elif settings.is_production:
            return Finding(
                "database",
                "fail",
                "MISSION_PIPELINE_ENV=production but SUPABASE_DB_URL is not set",
                ("set it to the Supabase project's Postgres connection string (Dashboard > Connect)",),
            ), None
        else:
            with warnings.catch_warnings():  # platformdirs on hosts without XDG_RUNTIME_DIR
                warnings.simplefilter("ignore")
                running = embedded_postgres_url(settings.embedded_pgdata)
            if running is None:
                return Finding(
                    "database",
                    "warn",
                    f"embedded PostgreSQL in {settings.embedded_pgdata}: not running",
                    ("SUPABASE_DB_URL is not set; the first run starts it (make run, make dev)",),
                ), None
            target, mode = DatabaseTarget.from_url(running, embedded=True), "SUPABASE_DB_URL not set"
        try:
            with target.connect(connect_timeout=10) as conn:
                row = conn.execute("select current_user, current_setting('server_version')").fetchone()
        except (WarehouseError, psycopg.Error) as exc:
            return Finding("database", "fail", target.description, (self.hide(str(exc)),)), None
        user, version = row if row is not None else ("?", "?")
        details = [f"connected as {user}, PostgreSQL {str(version).split()[0]}"]
        if mode:
            details.append(mode + (" (fine for the pipeline's writes)" if target.transaction_pooler else ""))
        return Finding("database", "ok", target.description, tuple(details)), target

    def migrations(self, settings: Settings, target: DatabaseTarget | None) -> Finding:
        from mission_pipeline.warehouse.database import WarehouseError
        from mission_pipeline.warehouse.migrations import load_migrations, pending_migrations

        if target is None:
            return Finding("migrations", "warn", "not checked: no database reachable")
        try:
            known = load_migrations()
            pending = pending_migrations(target, known)
        except WarehouseError as exc:
            return Finding("migrations", "fail", "cannot read the migration ledger", (self.hide(str(exc)),))
        if not pending:
            latest = f"{known[-1].version}_{known[-1].name}" if known else "none"
            return Finding(
                "migrations", "ok", f"current: {len(known)} of {len(known)} applied (latest {latest})"
            )
        names = tuple(f"pending: {m.version}_{m.name}" for m in pending)
        summary = f"{len(pending)} of {len(known)} not applied"
        if settings.auto_migrate:
            hint = (
                "AUTO_MIGRATE=true applies them before the next run writes; or now: mission-pipeline migrate"
            )
            return Finding("migrations", "warn", summary, (*names, hint))
        return Finding("migrations", "fail", summary, (*names, "apply them: mission-pipeline migrate"))
