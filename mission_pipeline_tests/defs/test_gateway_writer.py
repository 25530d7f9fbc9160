"""A gateway's database role: it writes every pipeline table, and it can do nothing else.

deploy/gateways.md gives each gateway host a login role in `mission_pipeline_writer` instead of the
database owner's password; these tests run a gateway's jobs as such a role.
"""

import uuid
from collections.abc import Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.defs.project import ProjectRuns
from mission_pipeline_tests.defs.test_gateways import GATEWAY_OF, JOBS, run_as
from mission_pipeline_tests.fixtures.postgres import query

PASSWORD = "gateway-writer:p@ss/word%"  # URL-special characters on purpose


def as_user(target: DatabaseTarget, user: str, password: str) -> DatabaseTarget:
    """`target`'s database, logged in as `user`."""
    parts = urlsplit(target.url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return DatabaseTarget.from_url(urlunsplit(parts._replace(netloc=netloc)))


@pytest.fixture
def gateway_writer(project: ProjectRuns) -> Iterator[DatabaseTarget]:
    """The test's database as a fresh login role in mission_pipeline_writer, as a gateway host has it."""
    owner, role = project.database, f"mp_gateway_{uuid.uuid4().hex[:10]}"
    query(owner, f"create role {role} login password '{PASSWORD}' in role mission_pipeline_writer")
    try:
        yield as_user(owner, role, PASSWORD)
    finally:
        query(owner, f"drop role {role}")


def test_a_gateway_writes_every_table_as_its_writer_role(
    project: ProjectRuns, gateway_writer: DatabaseTarget
) -> None:
    owner = project.resources.database
    project.resources.database, project.resources.auto_migrate = gateway_writer, False
    state = project.copy_sample("v2026.9.6")
    run_as(project, "vps2", state)
    # Twice: the second run updates and removes as well as inserts.
    run_as(project, "vps2", state)
    counts = {table: query(owner, f"select count(*) from {table}")[0][0] for table in GATEWAY_OF}
    assert all(counts.values()), counts
    assert query(gateway_writer, "select count(*) from mission_pipeline.schema_migrations")[0][0] > 0
    assert JOBS  # every job of the project ran


@pytest.mark.parametrize(
    "statement",
    [
        "create table public.gateway_was_here (x int)",
        "alter table public.agent_usage add column gateway_was_here int",
        "drop table public.cron_jobs",
        "truncate public.openclaw_usage_events",
        "create index on public.agent_workspaces (file_path)",
        "alter table public.agent_usage disable row level security",
        'drop policy "supliful.com users read" on public.agent_usage',
        "insert into mission_pipeline.schema_migrations (version) values ('99999999999999')",
        "set role service_role",
        "alter role mission_pipeline_writer bypassrls",
    ],
)
def test_the_writer_role_can_change_nothing_but_rows(gateway_writer: DatabaseTarget, statement: str) -> None:
    with gateway_writer.connect(autocommit=True) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)
