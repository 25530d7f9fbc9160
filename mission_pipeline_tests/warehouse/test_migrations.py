"""Migrations on a real PostgreSQL: applied in order, once, with the schema the dashboard expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.migrations import (
    MigrationError,
    apply_migrations,
    load_migrations,
    pending_migrations,
)
from mission_pipeline_tests.fixtures.postgres import query

DASHBOARD_COLUMNS = {
    "agent_usage": [
        "agent_id", "date", "model", "input_tokens", "output_tokens", "cache_read_tokens",
        "cache_write_tokens", "input_cost", "output_cost", "cache_read_cost", "cache_write_cost",
        "total_cost", "message_count", "created_at", "updated_at",
    ],
    "cron_jobs": [
        "job_id", "name", "schedule", "payload_kind", "session_target", "enabled", "last_run",
        "next_run", "updated_at", "created_at",
    ],
    "agent_workspaces": ["agent_id", "file_path", "size_bytes", "created_at", "updated_at"],
}  # fmt: skip
UNIQUE_KEYS = {
    "agent_usage": ["agent_id", "date"],
    "cron_jobs": ["job_id"],
    "agent_workspaces": ["agent_id", "file_path"],
}


def _columns(target: DatabaseTarget, table: str) -> dict[str, str]:
    rows = query(
        target,
        "select column_name, data_type from information_schema.columns"
        " where table_schema = 'public' and table_name = %s",
        (table,),
    )
    return {str(name): str(kind) for name, kind in rows}


def _unique_keys(target: DatabaseTarget, table: str) -> list[list[str]]:
    rows = query(
        target,
        "select array_agg(a.attname::text order by k.ord) from pg_constraint c"
        " cross join unnest(c.conkey) with ordinality k(attnum, ord)"
        " join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum"
        " where c.conrelid = %s::regclass and c.contype = 'u' group by c.oid",
        (f"public.{table}",),
    )
    return [list(r[0]) for r in rows]


def test_applies_on_an_empty_database_then_is_a_no_op(empty_database: DatabaseTarget) -> None:
    names = [f"{m.version}_{m.name}" for m in load_migrations()]
    first = apply_migrations(empty_database)
    assert first.applied == names
    assert first.bootstrapped_supabase_roles
    second = apply_migrations(empty_database)
    assert second.applied == []
    assert second.already_applied == len(names)
    assert not second.bootstrapped_supabase_roles
    assert pending_migrations(empty_database) == []
    recorded = query(
        empty_database, "select version from mission_pipeline.schema_migrations order by version"
    )
    assert [r[0] for r in recorded] == [m.version for m in load_migrations()]


@pytest.mark.parametrize("table", sorted(DASHBOARD_COLUMNS))
def test_dashboard_tables_have_the_setup_document_columns_and_keys(
    database: DatabaseTarget, table: str
) -> None:
    columns = _columns(database, table)
    assert set(DASHBOARD_COLUMNS[table]) <= set(columns)
    assert UNIQUE_KEYS[table] in _unique_keys(database, table)


def test_column_types_fit_the_data(database: DatabaseTarget) -> None:
    usage = _columns(database, "agent_usage")
    assert usage["date"] == "date"
    assert {
        usage[c] for c in ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
    } == {"bigint"}
    assert {usage[c] for c in ("input_cost", "output_cost", "total_cost")} == {"numeric"}
    cron = _columns(database, "cron_jobs")
    assert cron["last_run"] == cron["next_run"] == "timestamp with time zone"
    assert cron["enabled"] == "boolean"


def test_every_table_has_row_level_security_and_the_read_policy(database: DatabaseTarget) -> None:
    tables = query(
        database,
        "select n.nspname || '.' || c.relname, c.relrowsecurity from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace"
        " where c.relkind = 'r' and n.nspname in ('public', 'mission_pipeline')",
    )
    assert len(tables) >= 8
    assert all(enabled for _, enabled in tables), tables
    policies = query(
        database,
        "select tablename, cmd, roles::text[] from pg_policies where schemaname = 'public' order by 1",
    )
    public_tables = sorted(t.split(".", 1)[1] for t, _ in tables if t.startswith("public."))
    # Each table: the readers' policy and the gateways' writer role's, and no other.
    assert sorted(p[0] for p in policies) == sorted(public_tables * 2)
    for table in public_tables:
        assert sorted((cmd, roles) for t, cmd, roles in policies if t == table) == [
            ("ALL", ["mission_pipeline_writer"]),
            ("SELECT", ["authenticated"]),
        ], table


def test_grants_are_explicit_select_for_authenticated_and_none_for_anon(database: DatabaseTarget) -> None:
    grants = query(
        database,
        "select grantee, privilege_type from information_schema.role_table_grants"
        " where table_schema = 'public' and table_name = 'agent_usage' and grantee <> 'postgres'",
    )
    assert ("authenticated", "SELECT") in grants
    assert {p for g, p in grants if g == "authenticated"} == {"SELECT"}
    assert {p for g, p in grants if g == "service_role"} >= {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert not [g for g, _ in grants if g == "anon"]


def test_adopts_tables_the_setup_document_already_created(empty_database: DatabaseTarget) -> None:
    # The user's project already has agent_usage with fewer columns and a permissive policy.
    query(
        empty_database,
        "create table public.agent_usage (id bigserial primary key, agent_id text not null,"
        " date date not null, input_tokens integer, unique (agent_id, date));"
        " alter table public.agent_usage enable row level security;"
        " create policy anyone on public.agent_usage for select using (true);",
    )
    apply_migrations(empty_database)
    assert set(DASHBOARD_COLUMNS["agent_usage"]) <= set(_columns(empty_database, "agent_usage"))
    assert _unique_keys(empty_database, "agent_usage") == [["agent_id", "date"]]
    # The permissive policy is gone: only the readers' and the gateways' writer role's remain.
    policies = query(
        empty_database, "select policyname from pg_policies where tablename = 'agent_usage' order by 1"
    )
    assert policies == [("mission-pipeline gateways write",), ("supliful.com users read",)]


def test_versions_recorded_by_the_supabase_cli_count_as_applied(empty_database: DatabaseTarget) -> None:
    apply_migrations(empty_database)
    first = load_migrations()[0]
    query(
        empty_database,
        "create schema supabase_migrations;"
        " create table supabase_migrations.schema_migrations (version text primary key)",
    )
    query(empty_database, "insert into supabase_migrations.schema_migrations values (%s)", (first.version,))
    query(
        empty_database, "delete from mission_pipeline.schema_migrations where version = %s", (first.version,)
    )
    assert pending_migrations(empty_database) == []


def test_a_failing_migration_leaves_the_database_as_before(
    empty_database: DatabaseTarget, tmp_path: Path
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "20990101000000_good.sql").write_text("create table public.good (id int);")
    (folder / "20990101000001_bad.sql").write_text("create table public.half (id int); select 1/0;")
    with pytest.raises(MigrationError, match=r"20990101000001_bad failed.*division by zero"):
        apply_migrations(empty_database, load_migrations(folder))
    tables = query(empty_database, "select to_regclass('public.good'), to_regclass('public.half')")
    assert tables == [("good", None)]
    assert [m.name for m in pending_migrations(empty_database, load_migrations(folder))] == ["bad"]


def test_a_changed_applied_migration_is_reported(empty_database: DatabaseTarget, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "20990101000000_one.sql").write_text("create table public.one (id int);")
    apply_migrations(empty_database, load_migrations(folder))
    (folder / "20990101000000_one.sql").write_text("create table public.one (id bigint);")
    report = apply_migrations(empty_database, load_migrations(folder))
    assert report.changed_since_applied == ["20990101000000_one"]


def test_misnamed_migration_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "init.sql").write_text("select 1")
    with pytest.raises(MigrationError, match=r"named <14-digit version>_<name>\.sql"):
        load_migrations(tmp_path)


def test_concurrent_migrators_apply_each_migration_once(empty_database: DatabaseTarget) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: apply_migrations(empty_database), range(4)))
    applied = [label for r in reports for label in r.applied]
    assert sorted(applied) == sorted(f"{m.version}_{m.name}" for m in load_migrations())
