"""Tries every table x operation x identity the way PostgREST would run it, and records the outcome.

PostgREST runs each request in a transaction after `set_config('role', <role>, true)` and
`set_config('request.jwt.claims', <claims>, true)`; so does this module, as the table owner's login
switching role (like Supabase's `authenticator`). Nothing it does is committed.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.io_manager.catalog import Column, describe_table

OPERATIONS = ("SELECT", "INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class Identity:
    """A caller: its database role and its JWT claims (None: no claims at all)."""

    label: str
    role: str
    claims: dict[str, Any] | None


def _user(email: str | None, **extra: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": "8b3f0c1e-0000-4000-8000-000000000001", "role": "authenticated"}
    claims["aud"] = "authenticated"
    if email is not None:
        claims["email"] = email
    claims.setdefault("is_anonymous", False)
    claims.update(extra)
    return claims


IDENTITIES = (
    Identity("anon", "anon", {"role": "anon"}),
    Identity("authenticated a@supliful.com", "authenticated", _user("a@supliful.com")),
    Identity("authenticated A@SUPLIFUL.COM", "authenticated", _user("A@SUPLIFUL.COM")),
    Identity("authenticated x@notsupliful.com", "authenticated", _user("x@notsupliful.com")),
    Identity("authenticated x@supliful.com.evil.io", "authenticated", _user("x@supliful.com.evil.io")),
    Identity("authenticated supliful.com@evil.io", "authenticated", _user("supliful.com@evil.io")),
    Identity("authenticated empty email", "authenticated", _user("")),
    Identity("authenticated no email claim", "authenticated", _user(None)),
    Identity("authenticated is_anonymous: true", "authenticated", _user("a@supliful.com", is_anonymous=True)),
    Identity("service_role", "service_role", {"role": "service_role"}),
    # A gateway host's login role is a member of it (deploy/gateways.md); it has no JWT.
    Identity("mission_pipeline_writer", "mission_pipeline_writer", None),
)
WRITERS = {"service_role", "mission_pipeline_writer"}
READERS = {"authenticated a@supliful.com", "authenticated A@SUPLIFUL.COM", *WRITERS}


def expected(identity: Identity, operation: str) -> bool:
    """The policy: only @supliful.com users and the writers read; only service_role and the gateways'
    writer role write."""
    return identity.label in (READERS if operation == "SELECT" else WRITERS)


def project_tables(target: DatabaseTarget) -> list[str]:
    """Every table the migrations created in the public schema."""
    with target.connect() as conn:
        rows = conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'public' and c.relkind = 'r' order by 1"
        ).fetchall()
    return [str(r[0]) for r in rows]


def _value(column: Column, n: int) -> Any:
    kind = column.type
    if kind.startswith(("bigint", "integer", "smallint", "numeric")):
        return n
    if kind == "date":
        return f"2026-11-{n:02d}"
    if kind.startswith("timestamp"):
        return f"2026-11-{n:02d}T00:00:00Z"
    if kind == "boolean":
        return True
    if kind in ("jsonb", "json"):
        return json.dumps({"n": n})
    return f"rls-{n}"


def _insert(table: str, columns: tuple[Column, ...], n: int) -> tuple[sql.Composed, list[Any]]:
    needed = [c for c in columns if c.not_null and not c.has_default]
    statement = sql.SQL("insert into {t} ({cols}) values ({vals})").format(
        t=sql.Identifier("public", table),
        cols=sql.SQL(", ").join(sql.Identifier(c.name) for c in needed),
        vals=sql.SQL(", ").join(sql.Placeholder() * len(needed)),
    )
    return statement, [_value(c, n) for c in needed]


def _attempt(
    conn: psycopg.Connection[Any], identity: Identity, operation: str, table: str, columns: Any
) -> str:
    """'allowed', or how it was denied ('permission denied', 'no rows')."""
    with conn.transaction(force_rollback=True):
        conn.execute("select set_config('role', %s, true)", (identity.role,))
        claims = json.dumps(identity.claims) if identity.claims is not None else ""
        conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
        try:
            return attempt_operation(conn, operation, table, columns)
        except psycopg.errors.InsufficientPrivilege:
            return "permission denied"
        except psycopg.errors.DataError:
            return "query failed (claims unreadable)"  # claims that are not JSON: auth.jwt() refuses


def attempt_operation(conn: psycopg.Connection[Any], operation: str, table: str, columns: Any) -> str:
    """One operation on `table` as the current role: 'allowed' or 'no rows' (errors propagate)."""
    target = sql.Identifier("public", table)
    if operation == "SELECT":
        rows = conn.execute(sql.SQL("select count(*) from {t}").format(t=target)).fetchone()
        return "allowed" if rows and rows[0] > 0 else "no rows"
    if operation == "INSERT":
        statement, params = _insert(table, columns, 27)
        # The seeded row may hold the same unique key (usage_budgets' one budget per scope): a row
        # refused for that got past privileges and policies, which is what is tested here.
        with contextlib.suppress(psycopg.errors.UniqueViolation):
            conn.execute(statement, params)
        return "allowed"
    some_text = next(c.name for c in columns if c.type == "text")
    query = (
        sql.SQL("update {t} set {c} = {c}").format(t=target, c=sql.Identifier(some_text))
        if operation == "UPDATE"
        else sql.SQL("delete from {t}").format(t=target)
    )
    return "allowed" if conn.execute(query).rowcount > 0 else "no rows"


def run_matrix(
    target: DatabaseTarget, identities: tuple[Identity, ...] = IDENTITIES
) -> dict[tuple[str, str, str], str]:
    """(table, operation, identity label) -> outcome, with one seeded row per table, nothing committed."""
    results: dict[tuple[str, str, str], str] = {}
    with target.connect(autocommit=True) as conn:
        tables = {t: describe_table(conn, "public", t).columns for t in project_tables(target)}
        with conn.transaction(force_rollback=True):
            for table, columns in tables.items():
                statement, params = _insert(table, columns, 1)
                conn.execute(statement, params)
            for (table, columns), identity, operation in itertools.product(
                tables.items(), identities, OPERATIONS
            ):
                results[(table, operation, identity.label)] = _attempt(
                    conn, identity, operation, table, columns
                )
    return results


def render_markdown(
    results: dict[tuple[str, str, str], str], identities: tuple[Identity, ...] = IDENTITIES
) -> str:
    """One row per identity, one column per operation; a cell lists the tables where it was allowed."""
    tables = sorted({t for t, _, _ in results})
    lines = ["| identity | " + " | ".join(OPERATIONS) + " |", "|---|" + "---|" * len(OPERATIONS)]
    for identity in identities:
        cells = []
        for operation in OPERATIONS:
            allowed = [t for t in tables if results[(t, operation, identity.label)] == "allowed"]
            if len(allowed) == len(tables):
                cells.append(f"allowed on all {len(tables)}")
            elif not allowed:
                outcomes = sorted({results[(t, operation, identity.label)] for t in tables})
                cells.append("denied (" + ", ".join(outcomes) + ")")
            else:
                cells.append("allowed on " + ", ".join(allowed))
        lines.append(f"| {identity.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
