"""The embedded default: PostgreSQL 16 from the pgserver wheel, on a Unix socket in the data folder.

The server keeps running between pipeline runs (starting it is the slow part); `mission-pipeline
embedded stop` stops it.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import ModuleType


def _pgserver() -> ModuleType:
    # platformdirs warns about XDG_RUNTIME_DIR on headless hosts while pgserver imports; harmless.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    return pgserver


def start_embedded_postgres(pgdata: Path) -> str:
    """Start (or reuse) the embedded server whose data lives in `pgdata`; returns its URL."""
    pgdata.mkdir(parents=True, exist_ok=True)
    server = _pgserver().get_server(pgdata, cleanup_mode=None)
    return str(server.get_uri())


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
