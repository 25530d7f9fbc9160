"""Supabase RLS on a real PostgreSQL, with claims set the way PostgREST sets them.

The whole matrix (every table x operation x identity of `rls_matrix`) runs once, in
`reliability/test_access_rls.py`, which also writes it out for RELIABILITY.md.
"""

from __future__ import annotations

import json

import psycopg
import pytest

from mission_pipeline.warehouse.database import DatabaseTarget


def _read_as(target: DatabaseTarget, claims: dict[str, object]) -> int:
    with target.connect(autocommit=True) as conn, conn.transaction(force_rollback=True):
        conn.execute(
            "insert into agent_usage (agent_id, date, input_tokens) values ('main', '2026-11-27', 5)"
        )
        conn.execute("select set_config('role', 'authenticated', true)")
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        row = conn.execute("select count(*) from agent_usage").fetchone()
        assert row is not None
        return int(row[0])


def test_a_supliful_user_reads(database: DatabaseTarget) -> None:
    assert (
        _read_as(database, {"role": "authenticated", "email": "ops@supliful.com", "is_anonymous": False}) == 1
    )


def test_a_lookalike_domain_reads_nothing(database: DatabaseTarget) -> None:
    assert _read_as(database, {"role": "authenticated", "email": "ops@supliful.com.evil.io"}) == 0


def test_no_claims_read_nothing(database: DatabaseTarget) -> None:
    with database.connect(autocommit=True) as conn, conn.transaction(force_rollback=True):
        conn.execute("insert into cron_jobs (job_id) values ('j1')")
        conn.execute("select set_config('role', 'authenticated', true)")
        conn.execute("select set_config('request.jwt.claims', '', true)")
        assert conn.execute("select count(*) from cron_jobs").fetchone() == (0,)


def test_broken_claims_fail_the_query_instead_of_reading(database: DatabaseTarget) -> None:
    with database.connect(autocommit=True) as conn, conn.transaction(force_rollback=True):
        conn.execute("insert into cron_jobs (job_id) values ('j1')")
        conn.execute("select set_config('role', 'authenticated', true)")
        conn.execute("select set_config('request.jwt.claims', 'not json', true)")
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            conn.execute("select count(*) from cron_jobs")
