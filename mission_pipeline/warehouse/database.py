"""Where the pipeline writes: the Supabase database named by SUPABASE_DB_URL, or the embedded one.

A `DatabaseTarget` carries the URL but never shows it: its repr, its description and every error it
raises name the host and database only.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.rows import TupleRow

from mission_pipeline.redaction import describe_target, redact, url_secrets
from mission_pipeline.settings import Settings
from mission_pipeline.warehouse.embedded import DEFAULT_DATABASE, start_embedded_postgres

# Supabase's transaction pooler (Supavisor) listens on 6543 and cannot keep prepared statements.
TRANSACTION_POOLER_PORT = 6543
# Connection-string switches some tools add that libpq itself rejects.
_NON_LIBPQ_PARAMS = {"pgbouncer", "connection_limit", "pool_timeout"}


class WarehouseError(RuntimeError):
    """A problem with the target database, described without its password."""

    # Whether a later attempt may succeed (the database unreachable for a moment): only then retried.
    transient = False


class WarehouseConnectionError(WarehouseError):
    """The database could not be reached or refused the login."""

    transient = True


class ProductionConfigError(WarehouseError):
    """Production mode without SUPABASE_DB_URL: refusing to fall back to the embedded database."""


@dataclass(frozen=True)
class DatabaseTarget:
    """A Postgres database to write to; shows itself as host and database, never the password."""

    url: str = field(repr=False)
    description: str
    embedded: bool = False
    transaction_pooler: bool = False
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def from_url(
        cls, url: str, *, embedded: bool = False, extra_secrets: tuple[str, ...] = ()
    ) -> DatabaseTarget:
        clean, pooler = _normalize(url)
        return cls(
            url=clean,
            description=describe_target(clean) + (" (embedded)" if embedded else ""),
            embedded=embedded,
            transaction_pooler=pooler,
            secrets=tuple(url_secrets(url)) + extra_secrets,
        )

    def redact(self, text: str) -> str:
        """`text` with this target's secrets masked."""
        return redact(text, self.secrets)

    def connect(self, *, autocommit: bool = False, connect_timeout: int = 10) -> psycopg.Connection[TupleRow]:
        """Open a connection; failures become WarehouseConnectionError naming the target, not the URL."""
        try:
            return psycopg.connect(
                self.url,
                autocommit=autocommit,
                connect_timeout=connect_timeout,
                application_name="mission-pipeline",
                # The transaction pooler hands each transaction to any server connection.
                prepare_threshold=None if self.transaction_pooler else 5,
            )
        except psycopg.Error as exc:
            reason = self.redact(str(exc).strip()) or type(exc).__name__
            raise WarehouseConnectionError(f"cannot connect to {self.description}: {reason}") from None


def resolve_target(settings: Settings, *, embedded_database: str = DEFAULT_DATABASE) -> DatabaseTarget:
    """The database named by the settings; starts the embedded server when none is named.

    `embedded_database` picks a database of the embedded server (the bundled sample has its own).
    """
    extra = tuple(s for s in settings.secret_values())
    if settings.supabase_db_url is not None and settings.supabase_db_url.get_secret_value().strip():
        return DatabaseTarget.from_url(
            settings.supabase_db_url.get_secret_value().strip(), extra_secrets=extra
        )
    if settings.is_production:
        raise ProductionConfigError(
            "MISSION_PIPELINE_ENV=production but SUPABASE_DB_URL is not set: refusing to write to the "
            "embedded database. Set SUPABASE_DB_URL to the Supabase project's Postgres connection string."
        )
    url = start_embedded_postgres(settings.embedded_pgdata, embedded_database)
    return DatabaseTarget.from_url(url, embedded=True)


def _normalize(url: str) -> tuple[str, bool]:
    """Drop switches libpq rejects; tell whether the URL goes through a transaction pooler."""
    if "://" not in url:
        return url, "port=6543" in url.replace(" ", "")
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    pooler = any(k == "pgbouncer" and v.lower() == "true" for k, v in query)
    with contextlib.suppress(ValueError):  # an invalid port: libpq will say so when connecting
        pooler = pooler or parts.port == TRANSACTION_POOLER_PORT
    kept = [(k, v) for k, v in query if k not in _NON_LIBPQ_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(kept, safe="/"))), pooler
