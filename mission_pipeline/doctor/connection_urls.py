"""Which database connection a URL is: Supabase's three connection strings, poolers, drivers."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit


def supabase_connection_mode(url: str) -> str | None:
    """Which of Supabase's three connection strings `url` is, or None when it is not Supabase's."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or ""), parts.port
        pgbouncer = dict(parse_qsl(parts.query)).get("pgbouncer", "").lower() == "true"
    except ValueError:
        return None
    if host.endswith(".pooler.supabase.com"):
        return "Supabase transaction pooler" if port == 6543 or pgbouncer else "Supabase session pooler"
    if host.endswith(".supabase.co"):
        return "Supabase direct connection"
    return None


def uses_transaction_pooler(url: str) -> bool:
    """True for a connection through a transaction pooler (Supabase's port 6543, or pgbouncer=true)."""
    try:
        parts = urlsplit(url)
        return parts.port == 6543 or dict(parse_qsl(parts.query)).get("pgbouncer", "").lower() == "true"
    except ValueError:
        return False


def describe_storage_url(url: str) -> tuple[str, bool]:
    """Dagster's storage URL as user@host:port/database, and whether it goes through a transaction pooler.

    Parsed as SQLAlchemy parses it (Dagster leaves "/" unescaped in passwords, which urllib misreads).
    """
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # SQLAlchemy raises its own ArgumentError; any failure means "cannot tell"
        return "postgresql://<unparsable URL>", False
    host = parsed.host or str(parsed.query.get("host") or "") or "local socket"
    port = f":{parsed.port}" if parsed.port else ""
    user = f"{parsed.username}@" if parsed.username else ""
    pooler = parsed.port == 6543 or str(parsed.query.get("pgbouncer", "")).lower() == "true"
    return f"{parsed.drivername}://{user}{host}{port}/{parsed.database or ''}", pooler


def sqlalchemy_driver(url: str) -> str | None:
    """The DBAPI driver SQLAlchemy picks for `url` (SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3)."""
    from sqlalchemy.engine import make_url

    try:
        return str(make_url(url).get_dialect().driver)
    except Exception:  # an unparsable URL or a driver that is not installed: not this check's business
        return None
