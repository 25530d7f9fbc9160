"""The embedded PostgreSQL the measurements write to: one migrated template, a fresh clone per run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks.measure.totals import TotalsJson, sums


class Warehouse:
    """The embedded PostgreSQL, one migrated template, and a fresh database per measurement."""

    TEMPLATE = "bench_template"

    def __init__(self, pgdata: Path) -> None:
        from mission_pipeline.warehouse.database import DatabaseTarget
        from mission_pipeline.warehouse.embedded import start_embedded_postgres
        from mission_pipeline.warehouse.migrations import apply_migrations

        self.pgdata = pgdata
        self.url = start_embedded_postgres(pgdata)
        self._count = 0
        self.execute(f"drop database if exists {self.TEMPLATE} with (force)")
        self.execute(f"create database {self.TEMPLATE}")
        apply_migrations(DatabaseTarget.from_url(self.database_url(self.TEMPLATE)))
        self.version = self.query("show server_version")[0][0]

    def database_url(self, name: str) -> str:
        """The server's URL with database `name`."""
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def execute(self, statement: str) -> None:
        """Run one statement on the server's default database (autocommit)."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(statement)

    def query(self, statement: str, params: Any = None, *, url: str | None = None) -> list[tuple[Any, ...]]:
        """Rows of one statement, on `url` or the server's default database."""
        import psycopg

        with psycopg.connect(url or self.url, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def fresh(self) -> str:
        """A new database holding every migration and no rows."""
        self._count += 1
        name = f"bench_{os.getpid()}_{self._count}"
        self.execute(f"create database {name} template {self.TEMPLATE}")
        return self.database_url(name)

    def drop(self, url: str) -> None:
        """Drop a database made by `fresh`."""
        name = urlsplit(url).path.lstrip("/")
        self.execute(f"drop database if exists {name} with (force)")

    def ledger_totals(self, url: str) -> TotalsJson:
        """`openclaw_usage_events` summed per agent and UTC day."""
        rows = self.query(
            "select agent_id, (occurred_at at time zone 'UTC')::date::text, count(*), sum(input_tokens),"
            " sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(recorded_cost_usd)"
            " from openclaw_usage_events group by 1, 2",
            url=url,
        )
        return sums(rows)

    def usage_totals(self, url: str) -> TotalsJson:
        """`agent_usage` per agent and day (it records no cost: 0)."""
        rows = self.query(
            "select agent_id, date::text, message_count, input_tokens, output_tokens, cache_read_tokens,"
            " cache_write_tokens, 0 from agent_usage",
            url=url,
        )
        return sums(rows)

    def stop(self) -> None:
        """Stop the embedded server."""
        from mission_pipeline.warehouse.embedded import stop_embedded_postgres

        stop_embedded_postgres(self.pgdata)
