"""Where the pipeline writes: the Supabase database named by SUPABASE_DB_URL, or the embedded one.

A `DatabaseTarget` carries the URL but never shows it: its repr, its description and every error it
raises name the host and database only. The URL is checked before anything connects: an ambiguous one
(an unescaped @ / ? # before its last @) is refused, and so is one libpq cannot parse, with a message
of our own, since libpq's quotes the very text it choked on (often the password, or a piece of it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import TupleRow

from mission_pipeline.redaction import describe_params, is_ambiguous_url, redact, url_secrets
from mission_pipeline.warehouse.embedded import DEFAULT_DATABASE, start_embedded_postgres

# Supabase's transaction pooler (Supavisor) listens on 6543 and cannot keep prepared statements.
TRANSACTION_POOLER_PORT = 6543
# Connection-string switches some tools add that libpq itself rejects.
_NON_LIBPQ_PARAMS = {"pgbouncer", "connection_limit", "pool_timeout"}
# How to write the characters URL syntax gives a meaning to inside a password.
_ENCODE = "@ as %40, / as %2F, ? as %3F, # as %23, % as %25"
# What libpq's parse errors are about, said without the text they quote.
# What libpq's URL parser takes for spaces (C's isspace; a no-break space is a character like any).
_URL_SPACES = frozenset(" \t\n\v\f\r")
_PARSE_PROBLEMS = (
    ("unexpected spaces", "a space"),  # before the next: its message says "percent-encoded" too
    ("percent-encoded", "a % not followed by two hex digits, or %00"),
    ("URI query parameter", "a query parameter libpq does not know or cannot read"),
    ("invalid connection option", "an option libpq does not know"),
    ("unterminated quoted string", "a quoted value that is not closed"),
    ('missing "="', "neither a postgresql:// URL nor key=value pairs"),
    ("IPv6", "a malformed [IPv6] host"),
    ("unexpected character", "an unexpected character after the host"),
)


class WarehouseError(RuntimeError):
    """A problem with the target database, described without its password."""

    # Whether a later attempt may succeed (the database unreachable for a moment): only then retried.
    transient = False


class WarehouseConnectionError(WarehouseError):
    """The database could not be reached or refused the login."""

    transient = True


class ConnectionStringError(WarehouseError):
    """The connection string is ambiguous or malformed; said without quoting any of it."""


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
        cls,
        url: str,
        *,
        embedded: bool = False,
        extra_secrets: tuple[str, ...] = (),
        source: str = "SUPABASE_DB_URL",
    ) -> DatabaseTarget:
        """The target of `url`; ConnectionStringError (naming `source`) if it is ambiguous or malformed."""
        # The embedded URL is pgserver's own (no password); its socket path may hold an "@".
        if not embedded and is_ambiguous_url(url):
            raise ConnectionStringError(
                f"{source} is ambiguous: the part before its last @ holds an unescaped @, /, ? or #, which "
                f"tools split in different places; percent-encode them in the password ({_ENCODE}). "
                "Nothing was connected."
            )
        clean, pgbouncer = _without_foreign_params(url.strip())
        params = _parse(clean, source)
        ports = {p.strip() for p in params.get("port", "").split(",")}
        return cls(
            url=clean,
            description=describe_params(params) + (" (embedded)" if embedded else ""),
            embedded=embedded,
            transaction_pooler=pgbouncer or str(TRANSACTION_POOLER_PORT) in ports,
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
        except psycopg.ProgrammingError:  # libpq's parse error quotes the string: never passed on
            reason = "libpq cannot parse the connection string"
        except psycopg.Error as exc:
            reason = self.redact(str(exc).strip()) or type(exc).__name__
        # Raised outside the handler, so not even the exception's context keeps libpq's text.
        raise WarehouseConnectionError(f"cannot connect to {self.description}: {reason}") from None


def resolve_target(
    database_url: str | None,
    *,
    production: bool,
    embedded_pgdata: Path,
    embedded_database: str = DEFAULT_DATABASE,
    extra_secrets: tuple[str, ...] = (),
) -> DatabaseTarget:
    """The database `database_url` names; else the embedded server's (started), except in production.

    `embedded_database` picks a database of the embedded server (the bundled sample has its own);
    `extra_secrets` are other secrets to mask in the target's messages.
    """
    if database_url is not None and database_url.strip():
        return DatabaseTarget.from_url(database_url.strip(), extra_secrets=extra_secrets)
    if production:
        raise ProductionConfigError(
            "MISSION_PIPELINE_ENV=production but SUPABASE_DB_URL is not set: refusing to write to the "
            "embedded database. Set SUPABASE_DB_URL to the Supabase project's Postgres connection string."
        )
    embedded_url = start_embedded_postgres(embedded_pgdata, embedded_database)
    return DatabaseTarget.from_url(embedded_url, embedded=True, source="the embedded server's URL")


def _without_foreign_params(url: str) -> tuple[str, bool]:
    """`url` without the switches libpq rejects (kept as written otherwise); whether pgbouncer=true."""
    if "://" not in url or "?" not in url:
        return url, False
    base, _, query = url.partition("?")
    kept: list[str] = []
    pgbouncer = False
    for piece in query.split("&"):
        key, _, value = (unquote(part) for part in piece.partition("="))
        if key in _NON_LIBPQ_PARAMS:
            pgbouncer = pgbouncer or (key == "pgbouncer" and value.lower() == "true")
        else:
            kept.append(piece)
    return base + ("?" + "&".join(kept) if kept else ""), pgbouncer


def _parse(url: str, source: str) -> dict[str, str]:
    """libpq's reading of `url`; its parse error replaced by one that quotes nothing of the string."""
    if url.startswith(("postgresql://", "postgres://")) and not _URL_SPACES.isdisjoint(url):
        # libpq refuses a space inside a URL's part but silently drops one at either end of it: a
        # password ending in a space would become another password, and fail as a wrong one.
        problem = "a space"
    else:
        try:
            return {key: str(value) for key, value in conninfo_to_dict(url).items()}
        except psycopg.Error as exc:
            text = str(exc)
        problem = next((said for key, said in _PARSE_PROBLEMS if key in text), "libpq cannot parse it")
    raise ConnectionStringError(
        f"{source} is not a valid PostgreSQL connection string ({problem}): write it as "
        "postgresql://user:password@host:port/database with these percent-encoded in the password: "
        f"{_ENCODE}, space as %20."
    ) from None
