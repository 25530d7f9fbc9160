"""Who reads and writes what, on a real PostgreSQL migrated like Supabase: the RLS matrix, the catalog.

* The issue's matrix (every public table x SELECT/INSERT/UPDATE/DELETE x its 10 identities, and the
  gateways' writer role), run the way PostgREST runs a request (`security.rls_matrix`), plus the
  table owner and adversarial claims; and every project sequence and function x the same
  identities (`security.object_matrix`).
* The project's internal schema (`mission_pipeline`): no API role reads or writes it.
* The catalog: RLS on every project table; no view without `security_invoker`; no SECURITY DEFINER
  function; and a self-test showing that a definer view would indeed bypass RLS (so the check matters).

The rendered matrix is written to test-artifacts/reliability/access_matrix.md for RELIABILITY.md.
The matrices run here only: `security/` holds the targeted cases and the self-tests of the matrix.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import psycopg
import pytest
from psycopg import sql

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.io_manager.catalog import describe_table
from mission_pipeline_tests.reliability.fuzz_figures import ARTIFACTS, record_figures
from mission_pipeline_tests.security import object_matrix
from mission_pipeline_tests.security.rls_matrix import (
    IDENTITIES,
    OPERATIONS,
    Identity,
    _insert,
    _user,
    attempt_operation,
    expected,
    project_tables,
    render_markdown,
    run_matrix,
)

PROJECT_SCHEMAS = ("public", "mission_pipeline")
# Claims an attacker (or a misconfigured client) might present, beyond the issue's ten identities.
_AUTH = "authenticated"
ADVERSARIAL = (
    Identity("email A@Supliful.Com (mixed case)", _AUTH, _user("A@Supliful.Com")),
    Identity("email with a trailing space", _AUTH, _user("a@supliful.com ")),
    Identity("email on a subdomain (x@eu.supliful.com)", _AUTH, _user("x@eu.supliful.com")),
    Identity("email @supliful.com without a local part", _AUTH, _user("@supliful.com")),
    # lower() under a UTF-8 collation maps U+0130 to "i"; the rule folds ASCII only
    Identity("email x@SUPL\u0130FUL.COM (dotted capital I)", _AUTH, _user("x@SUPL\u0130FUL.COM")),
    Identity("email as a JSON array", _AUTH, {**_user(None), "email": ["a@supliful.com"]}),
    Identity("email as a JSON object", _AUTH, {**_user(None), "email": {"v": "a@supliful.com"}}),
    Identity('is_anonymous: "true" (a string)', _AUTH, _user("a@supliful.com", is_anonymous="true")),
    Identity(
        "claims say service_role, role is authenticated", _AUTH, _user("x@evil.io", role="service_role")
    ),
    Identity("anon with a @supliful.com email claim", "anon", {"role": "anon", "email": "a@supliful.com"}),
    Identity("authenticated with no claims at all", _AUTH, None),
)
# A bare "@supliful.com" has no local part: no real address, so it reads nothing.
ADVERSARIAL_READERS = {"email A@Supliful.Com (mixed case)"}


def _outcomes_ok(results: dict[tuple[str, str, str], str], readers: set[str], writers: set[str]) -> list[str]:
    wrong = []
    for (table, operation, label), outcome in results.items():
        allowed = label in (readers if operation == "SELECT" else writers)
        if (outcome == "allowed") != allowed:
            wrong.append(f"{label} {operation} {table}: {outcome}")
    return wrong


def _owner_outcomes(target: DatabaseTarget) -> dict[tuple[str, str], str]:
    """The table owner (the pipeline's own login): RLS does not apply to it; it must read and write."""
    out: dict[tuple[str, str], str] = {}
    with target.connect(autocommit=True) as conn:
        for table in project_tables(target):
            columns = describe_table(conn, "public", table).columns
            with conn.transaction(force_rollback=True):
                statement, params = _insert(table, columns, 1)
                conn.execute(statement, params)
                for operation in OPERATIONS:
                    with conn.transaction(force_rollback=True):
                        out[(table, operation)] = attempt_operation(conn, operation, table, columns)
    return out


def test_the_issue_matrix_holds_and_is_written_for_reliability_md(database: DatabaseTarget) -> None:
    results = run_matrix(database)
    tables = project_tables(database)
    assert len(tables) == 9  # the seven pipeline tables, usage_budgets and usage_budget_status
    assert len(results) == len(tables) * len(IDENTITIES) * len(OPERATIONS)
    wrong = [
        key
        for key, outcome in results.items()
        if (outcome == "allowed") != expected(next(i for i in IDENTITIES if i.label == key[2]), key[1])
    ]
    assert wrong == [], render_markdown(results)
    owner = _owner_outcomes(database)
    assert set(owner.values()) == {"allowed"}, owner
    extra = run_matrix(database, ADVERSARIAL)
    assert _outcomes_ok(extra, ADVERSARIAL_READERS, set()) == []
    everyone = IDENTITIES + ADVERSARIAL
    with database.connect(autocommit=True) as conn:
        objects = object_matrix.run_object_matrix(conn, everyone)
        assert object_matrix.unexpected(conn, objects, everyone) == []
        sequences = [s.label for s in object_matrix.project_sequences(conn)]
        functions = [f.label for f in object_matrix.project_functions(conn)]
    # Every identity column's sequence and both functions are found (the catalog, not a list, says so).
    assert {"public.agent_usage_id_seq", "public.cron_jobs_id_seq", "public.agent_workspaces_id_seq"} <= set(
        sequences
    )
    assert {object_matrix.READER_RULE, "mission_pipeline.touch_updated_at()"} <= set(functions)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    owner_row = "| table owner (the pipeline's login; RLS does not apply) | " + " | ".join(
        f"allowed on all {len(tables)}" for _ in OPERATIONS
    )
    (ARTIFACTS / "access_matrix.md").write_text(
        f"Tables ({len(tables)}): {', '.join(tables)}\n\n"
        + render_markdown(results)
        + "\n"
        + owner_row
        + " |\n\nAdversarial claims:\n\n"
        + render_markdown(extra, ADVERSARIAL)
        + f"\n\nSequences ({len(sequences)}) and functions ({len(functions)}), all identities:\n\n"
        + object_matrix.render_markdown(objects, everyone)
        + "\n"
    )
    cases = len(results) + len(owner) + len(extra) + len(objects)
    record_figures(
        "access_matrix",
        {
            "cases_tried": cases,
            "cases_held": cases,
            "tables": tables,
            "sequences": sequences,
            "functions": functions,
            "issue_identities": len(IDENTITIES),
            "adversarial_identities": len(ADVERSARIAL),
            "outcomes": {o: sum(1 for v in [*results.values(), *extra.values()] if v == o) for o in
                         sorted(set(results.values()) | set(extra.values()))},
        },
    )  # fmt: skip


def _internal_tables(target: DatabaseTarget) -> list[str]:
    with target.connect() as conn:
        rows = conn.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'mission_pipeline' and c.relkind in ('r', 'p') order by 1"
        ).fetchall()
    return [str(r[0]) for r in rows]


def test_no_api_role_touches_the_internal_schema(database: DatabaseTarget) -> None:
    """mission_pipeline.* (migration ledger, alert outbox) is the owner's alone, whatever the claims say;
    the gateways' writer role may read the ledger (doctor says whether the migrations are current) and
    record and mark alerts in the outbox, nothing more. No API role touches either."""
    tables = _internal_tables(database)
    assert {"schema_migrations", "alert_outbox"} <= set(tables)
    outcomes: dict[tuple[str, str, str], str] = {}
    with database.connect(autocommit=True) as conn:
        for table, identity, operation in itertools.product(tables, IDENTITIES, OPERATIONS):
            target = sql.Identifier("mission_pipeline", table)
            first = sql.Identifier(describe_table(conn, "mission_pipeline", table).columns[0].name)
            statement = {
                "SELECT": sql.SQL("select count(*) from {t}"),
                "INSERT": sql.SQL("insert into {t} default values"),
                "UPDATE": sql.SQL("update {t} set {c} = {c}"),
                "DELETE": sql.SQL("delete from {t}"),
            }[operation].format(t=target, c=first)
            with conn.transaction(force_rollback=True):
                conn.execute("select set_config('role', %s, true)", (identity.role,))
                claims = json.dumps(identity.claims) if identity.claims is not None else ""
                conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
                try:
                    conn.execute(statement)
                    outcomes[(table, operation, identity.label)] = "allowed"
                except psycopg.errors.IntegrityError:  # past the privilege check, stopped by a constraint
                    outcomes[(table, operation, identity.label)] = "allowed"
                except psycopg.errors.InsufficientPrivilege as exc:
                    outcomes[(table, operation, identity.label)] = str(exc).split(" for ")[0]
    allowed = sorted(k for k, v in outcomes.items() if v == "allowed")
    writer = "mission_pipeline_writer"
    assert allowed == sorted(
        [("schema_migrations", "SELECT", writer)]
        + [("alert_outbox", operation, writer) for operation in ("SELECT", "INSERT", "UPDATE")]
    )
    record_figures(
        "access_internal_schema",
        {"cases_tried": len(outcomes), "cases_held": len(outcomes), "tables": tables, "allowed": allowed,
         "denials": sorted(set(outcomes.values()))},
    )  # fmt: skip


# --- the catalog: nothing bypasses RLS -----------------------------------------------------------

_TABLES_WITHOUT_RLS = """
select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%s) and c.relkind in ('r', 'p') and not c.relrowsecurity order by 1
"""
_DEFINER_VIEWS = """
select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%s) and c.relkind in ('v', 'm')
  and not coalesce(c.reloptions && array['security_invoker=true', 'security_invoker=on'], false)
order by 1
"""
_DEFINER_FUNCTIONS = """
select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = any(%s) and p.prosecdef order by 1
"""
_RELATIONS = """
select c.relkind::text, count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'f') group by 1 order by 1
"""
_FUNCTIONS = """
select p.oid::regprocedure::text, p.prosecdef from pg_proc p join pg_namespace n on n.oid = p.pronamespace
where n.nspname = any(%s) order by 1
"""


def catalog_findings(conn: psycopg.Connection[Any]) -> dict[str, list[str]]:
    """What would let a caller around RLS, per kind; all lists empty means nothing does."""
    schemas = list(PROJECT_SCHEMAS)
    return {
        "tables without row level security": [r[0] for r in conn.execute(_TABLES_WITHOUT_RLS, (schemas,))],
        "views without security_invoker": [r[0] for r in conn.execute(_DEFINER_VIEWS, (schemas,))],
        "SECURITY DEFINER functions": [r[0] for r in conn.execute(_DEFINER_FUNCTIONS, (schemas,))],
    }


def test_no_view_or_function_of_the_project_bypasses_rls(database: DatabaseTarget) -> None:
    with database.connect(autocommit=True) as conn:
        findings = catalog_findings(conn)
        relations: dict[str, int] = dict(conn.execute(_RELATIONS, (list(PROJECT_SCHEMAS),)).fetchall())
        functions = conn.execute(_FUNCTIONS, (list(PROJECT_SCHEMAS),)).fetchall()
    assert findings == {k: [] for k in findings}
    assert ("mission_pipeline.is_mission_control_reader()", False) in functions
    record_figures(
        "access_catalog",
        {
            "cases_tried": sum(relations.values()) + len(functions),
            "cases_held": sum(relations.values()) + len(functions),
            "relations_by_kind": relations,
            "functions": [f"{name} ({'definer' if definer else 'invoker'})" for name, definer in functions],
        },
    )


@pytest.mark.parametrize("kind", ["view", "function"])
def test_the_catalog_check_catches_a_bypass(database: DatabaseTarget, kind: str) -> None:
    """Self-test: a definer view or function added by mistake leaks rows to anon, and is flagged."""
    with database.connect(autocommit=True) as conn, conn.transaction(force_rollback=True):
        conn.execute("insert into cron_jobs (job_id) values ('secret-job')")
        if kind == "view":
            conn.execute("create view public.leak as select job_id from public.cron_jobs")
            conn.execute("grant select on public.leak to anon")
            reader = "select count(*) from public.leak"
        else:
            conn.execute(
                "create function public.leak() returns bigint language sql security definer"
                " as 'select count(*) from public.cron_jobs'"
            )
            conn.execute("grant execute on function public.leak() to anon")
            reader = "select public.leak()"
        findings = catalog_findings(conn)
        conn.execute("select set_config('role', 'anon', true)")
        conn.execute("select set_config('request.jwt.claims', '{\"role\":\"anon\"}', true)")
        leaked = conn.execute(reader).fetchone()
        conn.execute("reset role")
        if kind == "view":
            conn.execute("alter view public.leak set (security_invoker = true)")
            fixed = catalog_findings(conn)
            conn.execute("select set_config('role', 'anon', true)")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(reader)
            assert fixed["views without security_invoker"] == []
    assert leaked == (1,)  # the bypass is real ...
    flagged = findings["views without security_invoker" if kind == "view" else "SECURITY DEFINER functions"]
    assert flagged and "leak" in flagged[0]  # ... and the check sees it
