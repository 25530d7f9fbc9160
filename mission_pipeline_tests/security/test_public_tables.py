"""Every relation the migrations put in public: tables under row level security, nothing for anon.

The behaviour of each table is `rls_matrix`'s; this reads the catalog, so a relation whose rights
were never revoked (Supabase's default privileges grant anon ALL on it) is caught by name.
"""

from __future__ import annotations

from typing import Any

import psycopg

from mission_pipeline.warehouse.database import DatabaseTarget

_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
_COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")
_RELATIONS = """
select c.oid, c.relname, c.relkind::text, c.relrowsecurity
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                  and d.objid = c.oid and d.deptype = 'e')
order by 2
"""


def public_relation_findings(conn: psycopg.Connection[Any]) -> list[str]:
    """Tables without RLS, and any right anon holds (directly or through PUBLIC, table or column)."""
    findings = []
    for oid, name, kind, rls in conn.execute(_RELATIONS).fetchall():
        if kind in ("r", "p") and not rls:
            findings.append(f"{name}: row level security off")
        for privilege in _TABLE_PRIVILEGES:
            row = conn.execute("select has_table_privilege('anon', %s::oid, %s)", (oid, privilege)).fetchone()
            if row and row[0]:
                findings.append(f"{name}: anon has {privilege}")
        for privilege in _COLUMN_PRIVILEGES:
            row = conn.execute(
                "select has_any_column_privilege('anon', %s::oid, %s)", (oid, privilege)
            ).fetchone()
            if row and row[0]:
                findings.append(f"{name}: anon has {privilege} on a column")
    return findings


def test_every_public_table_has_rls_and_grants_anon_nothing(database: DatabaseTarget) -> None:
    with database.connect(autocommit=True) as conn:
        relations = conn.execute(_RELATIONS).fetchall()
        findings = public_relation_findings(conn)
    assert len(relations) >= 7
    assert findings == []


def test_the_check_flags_a_table_created_without_revokes(database: DatabaseTarget) -> None:
    """Self-test: a table created as a careless migration would is flagged for RLS and for anon's rights."""
    with database.connect(autocommit=True) as conn, conn.transaction(force_rollback=True):
        conn.execute("create table public.careless (id int)")
        conn.execute("create table public.column_grant (id int, secret text)")
        conn.execute("alter table public.column_grant enable row level security")
        conn.execute("revoke all on public.column_grant from anon")
        conn.execute("grant select (id) on public.column_grant to anon")
        findings = public_relation_findings(conn)
    assert "careless: row level security off" in findings
    assert "careless: anon has DELETE" in findings  # Supabase's default privileges: ALL
    column_findings = [f for f in findings if f.startswith("column_grant")]
    assert column_findings == ["column_grant: anon has SELECT on a column"]
    assert not [f for f in findings if not f.startswith(("careless", "column_grant"))]
