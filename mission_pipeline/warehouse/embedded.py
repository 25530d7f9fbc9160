"""The embedded default: PostgreSQL 16 from the pgserver wheel, on a Unix socket in the data folder.

The server keeps running between pipeline runs (starting it is the slow part); `mission-pipeline
embedded stop` stops it.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from types import ModuleType


def _pgserver() -> ModuleType:
    # platformdirs warns about XDG_RUNTIME_DIR on headless hosts while pgserver imports; harmless.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    return pgserver


DEFAULT_DATABASE = "postgres"


def start_embedded_postgres(pgdata: Path, database: str = DEFAULT_DATABASE) -> str:
    """Start (or reuse) the embedded server whose data lives in `pgdata`; returns the URL of `database`.

    A database other than the default is created on first use.
    """
    pgdata.mkdir(parents=True, exist_ok=True)
    server = _pgserver().get_server(pgdata, cleanup_mode=None)
    if database != DEFAULT_DATABASE:
        _create_database(str(server.get_uri()), database)
    return str(server.get_uri(database=database))


def _create_database(server_url: str, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (database,)).fetchone()
        if exists is None:
            # Another process may create it meanwhile: that is as good.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(database)))


def embedded_postgres_url(pgdata: Path) -> str | None:
    """The URL of the embedded server if it is running, without starting it."""
    from pgserver.utils import PostmasterInfo

    _pgserver()
    info = PostmasterInfo.read_from_pgdata(pgdata) if (pgdata / "PG_VERSION").exists() else None
    return str(info.get_uri()) if info is not None and info.is_running() else None


def stop_embedded_postgres(pgdata: Path) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    if embedded_postgres_url(pgdata) is None:
        return False
    from pgserver import _commands

    user = "pgserver" if _running_as_root() else None
    # pgserver generates its command wrappers at import time, hence the attribute lookup.
    getattr(_commands, "pg_ctl")(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)  # noqa: B009
    return True


def _running_as_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0
