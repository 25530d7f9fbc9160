"""Sequences and functions of the project x identity: what the catalog grants and what a call really does.

Tables are `rls_matrix`'s. Sequences and functions have no row level security, so their privileges
alone decide. Supabase's default privileges give anon and authenticated ALL on every sequence created
in public (one per identity column): without a revoke, anon can `setval` a table's sequence to its
maximum and every later insert fails. Both lists come from the catalog, so a table or function a later
migration adds is covered without touching this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from mission_pipeline_tests.security.rls_matrix import Identity

PROJECT_SCHEMAS = ("public", "mission_pipeline")
READER_RULE = "mission_pipeline.is_mission_control_reader()"
# What a caller may do with a sequence: privileges by the catalog, then the calls that need them
# (reading it needs SELECT, nextval USAGE or UPDATE, setval UPDATE).
SEQUENCE_CHECKS = ("has USAGE", "has SELECT", "has UPDATE", "read", "nextval", "setval")
FUNCTION_CHECKS = ("has EXECUTE", "call")
# service_role and the gateways' writer role insert rows, so they draw ids (nextval) and may read the
# sequence; nobody moves it.
_WRITER_SEQUENCE_CHECKS = {"has USAGE", "has SELECT", "read", "nextval"}
_WRITER_ROLES = {"service_role", "mission_pipeline_writer"}

# Members of an extension are the extension's business, not the migrations'.
_NOT_AN_EXTENSION_MEMBER = (
    "not exists (select 1 from pg_depend d where d.classid = {catalog}::regclass"
    " and d.objid = {oid} and d.deptype = 'e')"
)
_SEQUENCES = f"""
select c.oid, n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'S' and n.nspname = any(%s)
  and {_NOT_AN_EXTENSION_MEMBER.format(catalog="'pg_class'", oid="c.oid")}
order by 2, 3
"""
_FUNCTIONS = f"""
select p.oid, n.nspname, p.proname, p.prokind::text, pg_get_function_identity_arguments(p.oid),
       array(select format_type(t, null) from unnest(p.proargtypes) t)
from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = any(%s)
  and {_NOT_AN_EXTENSION_MEMBER.format(catalog="'pg_proc'", oid="p.oid")}
order by 2, 3, 5
"""


@dataclass(frozen=True)
class Sequence:
    oid: int
    schema: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}"


@dataclass(frozen=True)
class Function:
    oid: int
    schema: str
    name: str
    kind: str  # f function, p procedure, a aggregate, w window
    identity_arguments: str
    argument_types: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.schema}.{self.name}({self.identity_arguments})"


def project_sequences(conn: psycopg.Connection[Any]) -> list[Sequence]:
    """Every sequence in the project's schemas (identity columns' included)."""
    rows = conn.execute(_SEQUENCES, (list(PROJECT_SCHEMAS),)).fetchall()
    return [Sequence(int(o), str(s), str(n)) for o, s, n in rows]


def project_functions(conn: psycopg.Connection[Any]) -> list[Function]:
    """Every function, procedure and aggregate in the project's schemas."""
    rows = conn.execute(_FUNCTIONS, (list(PROJECT_SCHEMAS),)).fetchall()
    return [Function(int(o), str(s), str(n), str(k), str(a), tuple(t)) for o, s, n, k, a, t in rows]


def expected_sequence(identity: Identity, check: str, sequence: str) -> bool:
    """The writers draw ids; service_role only in public (the internal schema is no API role's)."""
    if identity.role == "service_role" and not sequence.startswith("public."):
        return False
    return identity.role in _WRITER_ROLES and check in _WRITER_SEQUENCE_CHECKS


def expected_function(identity: Identity, function: Function) -> bool:
    """Only the reader rule, and only for authenticated: its read policy calls it as the caller."""
    return identity.role == "authenticated" and function.label == READER_RULE


def _denial(exc: psycopg.errors.InsufficientPrivilege) -> str:
    # "permission denied for schema mission_pipeline" -> "permission denied for schema"
    return str(exc).splitlines()[0].rsplit(" ", 1)[0]


def _as(conn: psycopg.Connection[Any], identity: Identity) -> None:
    conn.execute("select set_config('role', %s, true)", (identity.role,))
    claims = json.dumps(identity.claims) if identity.claims is not None else ""
    conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))


def _try(
    conn: psycopg.Connection[Any],
    identity: Identity,
    statement: Any,
    params: Any = None,
    *,
    other_errors_mean_it_ran: bool = False,
) -> str:
    """'allowed' when the statement got past the privilege checks, else how it was denied.

    A function called with NULL arguments may fail for reasons of its own (a trigger function called
    directly refuses to run): it still ran, so with `other_errors_mean_it_ran` that counts as allowed.
    """
    with conn.transaction(force_rollback=True):
        _as(conn, identity)
        try:
            conn.execute(statement, params)
        except psycopg.errors.InsufficientPrivilege as exc:
            return _denial(exc)
        except psycopg.Error:
            if not other_errors_mean_it_ran:
                raise
    return "allowed"


def _sequence_outcomes(
    conn: psycopg.Connection[Any], sequence: Sequence, identity: Identity
) -> dict[str, str]:
    out = {}
    for privilege in ("USAGE", "SELECT", "UPDATE"):
        row = conn.execute(
            "select has_sequence_privilege(%s, %s::oid, %s)", (identity.role, sequence.oid, privilege)
        ).fetchone()
        out[f"has {privilege}"] = "allowed" if row and row[0] else "no privilege"
    target = sql.Identifier(sequence.schema, sequence.name)
    # setval to the value it already has: if the call is (wrongly) allowed, nothing moves.
    state = conn.execute(sql.SQL("select last_value, is_called from {s}").format(s=target)).fetchone()
    assert state is not None
    out["read"] = _try(conn, identity, sql.SQL("select last_value from {s}").format(s=target))
    out["nextval"] = _try(conn, identity, "select nextval(%s::oid::regclass)", (sequence.oid,))
    out["setval"] = _try(
        conn, identity, "select setval(%s::oid::regclass, %s, %s)", (sequence.oid, state[0], state[1])
    )
    return out


def _call(function: Function) -> sql.Composed | None:
    """The statement that runs `function` with NULL arguments (aggregates and window functions: None)."""
    arguments = sql.SQL(", ").join(
        sql.SQL("null::{t}").format(t=sql.SQL(t))
        for t in function.argument_types  # catalog types
    )
    name = sql.Identifier(function.schema, function.name)
    if function.kind == "f":
        return sql.SQL("select {f}({a})").format(f=name, a=arguments)
    if function.kind == "p":
        return sql.SQL("call {f}({a})").format(f=name, a=arguments)
    return None


def _function_outcomes(
    conn: psycopg.Connection[Any], function: Function, identity: Identity
) -> dict[str, str]:
    row = conn.execute(
        "select has_function_privilege(%s, %s::oid, 'EXECUTE')", (identity.role, function.oid)
    ).fetchone()
    out = {"has EXECUTE": "allowed" if row and row[0] else "no privilege"}
    call = _call(function)
    if call is None:
        out["call"] = out["has EXECUTE"]
    else:
        out["call"] = _try(conn, identity, call, other_errors_mean_it_ran=True)
    return out


def run_object_matrix(
    conn: psycopg.Connection[Any], identities: tuple[Identity, ...]
) -> dict[tuple[str, str, str], str]:
    """(object label, check, identity label) -> outcome, for every project sequence and function.

    Runs on `conn` as it is (inside the caller's transaction, if any), so objects the caller has just
    created are seen too. Each attempt is rolled back; nextval draws one value, as any failed insert does.
    """
    results: dict[tuple[str, str, str], str] = {}
    for sequence in project_sequences(conn):
        for identity in identities:
            for check, outcome in _sequence_outcomes(conn, sequence, identity).items():
                results[(sequence.label, check, identity.label)] = outcome
    for function in project_functions(conn):
        for identity in identities:
            for check, outcome in _function_outcomes(conn, function, identity).items():
                results[(function.label, check, identity.label)] = outcome
    return results


def unexpected(
    conn: psycopg.Connection[Any],
    results: dict[tuple[str, str, str], str],
    identities: tuple[Identity, ...],
) -> list[str]:
    """Outcomes that differ from the policy, as readable lines (empty: the policy holds)."""
    by_label = {i.label: i for i in identities}
    functions = {f.label: f for f in project_functions(conn)}
    wrong = []
    for (obj, check, label), outcome in sorted(results.items()):
        identity = by_label[label]
        if obj in functions:
            allowed = expected_function(identity, functions[obj])
        else:
            allowed = expected_sequence(identity, check, obj)
        if (outcome == "allowed") != allowed:
            wrong.append(f"{label}: {check} on {obj}: {outcome}")
    return wrong


def render_markdown(results: dict[tuple[str, str, str], str], identities: tuple[Identity, ...]) -> str:
    """One row per identity, one column per check; a cell names the objects where it was allowed."""
    checks = (*SEQUENCE_CHECKS, *FUNCTION_CHECKS)
    lines = ["| identity | " + " | ".join(checks) + " |", "|---|" + "---|" * len(checks)]
    for identity in identities:
        cells = []
        for check in checks:
            tried = sorted(o for o, c, i in results if c == check and i == identity.label)
            allowed = [o for o in tried if results[(o, check, identity.label)] == "allowed"]
            if not allowed:
                cells.append("denied")
            elif len(allowed) == len(tried) > 1:
                cells.append(f"allowed on all {len(tried)}")
            else:
                cells.append("allowed on " + ", ".join(allowed))
        lines.append(f"| {identity.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
