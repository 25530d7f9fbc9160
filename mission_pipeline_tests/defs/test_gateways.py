"""Several gateways into one database: each gateway's rows as that gateway alone gives them, and a
sync on one gateway never touching another's.

The two sample eras play two gateways (vps1 reads the JSONL era, vps2 the SQLite era), run here in
one process with the openclaw resource's gateway id set as a code location sets it. The code
locations themselves, in their own processes, are in deploy/test_two_gateways.py.
"""

import json
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from mission_pipeline.gateways import DEFAULT_GATEWAY, SEPARATOR
from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline_tests.conftest import sample_state
from mission_pipeline_tests.defs.jobs import check_results
from mission_pipeline_tests.defs.project import ProjectRuns

DAY = "2026-11-27"
ERAS = {"vps1": "v2026.5.28", "vps2": "v2026.9.6"}
# usage_refresh_job: the ledger, the rollups and the session dumps (the hourly schedule's job).
JOBS = ("usage_refresh_job", "cron_job", "workspace_job")
# Each table's column holding the gateway: a raw column, or the qualified id of a dashboard table.
GATEWAY_OF = {
    "openclaw_usage_events": "gateway_id",
    "openclaw_session_dumps": "gateway_id",
    "cron_job_runs": "gateway_id",
    "agent_usage": "agent_id",
    "agent_usage_by_model": "agent_id",
    "cron_jobs": "job_id",
    "agent_workspaces": "agent_id",
}
# Set by the database, not read from OpenClaw.
_NOT_DATA = {"id", "created_at", "updated_at"}


def gateway_state(tmp_path: Path, gateway: str, era: str) -> Path:
    """A copy of sample `era` as gateway `gateway`'s state directory."""
    return copy_state_dir(sample_state(era), tmp_path / gateway / "state")


def run_as(project: ProjectRuns, gateway: str, state: Path) -> dict[str, dg.ExecuteInProcessResult]:
    """Every job of the project, as gateway `gateway`'s code location runs it on `state`."""
    project.resources.gateway_id, project.resources.state_dir = gateway, state
    results = {job: project.run(job, partition=DAY if job.startswith("usage") else None) for job in JOBS}
    assert all(result.success for result in results.values()), gateway
    return results


def rows_of(project: ProjectRuns, table: str, gateway: str) -> list[tuple[Any, ...]]:
    """`table`'s rows of one gateway, read back with OpenClaw's own ids and without the gateway column."""
    columns = [
        c
        for (c,) in project.query(
            "select column_name from information_schema.columns where table_schema = 'public'"
            " and table_name = %s order by ordinal_position",
            (table,),
        )
        if c not in _NOT_DATA
    ]
    marker = GATEWAY_OF[table]
    prefix = "" if gateway == DEFAULT_GATEWAY else gateway + SEPARATOR
    params: tuple[str, ...]
    if marker == "gateway_id":
        where, params = "gateway_id = %s", (gateway,)
        columns.remove("gateway_id")
    elif prefix:
        where, params = f"starts_with({marker}, %s)", (prefix,)
    else:
        where, params = f"strpos({marker}, '{SEPARATOR}') = 0", ()
    rows = project.query(f"select {', '.join(columns)} from {table} where {where}", params)

    def local(value: Any, column: str) -> Any:
        qualified = column in ("agent_id", "job_id") and isinstance(value, str) and prefix
        return value.removeprefix(prefix) if qualified else value

    return sorted(
        (tuple(local(v, c) for v, c in zip(row, columns, strict=True)) for row in row_iter(rows)), key=repr
    )


def row_iter(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [
        tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v for v in r) for r in rows
    ]


def every_table(project: ProjectRuns, gateway: str) -> dict[str, list[tuple[Any, ...]]]:
    return {table: rows_of(project, table, gateway) for table in GATEWAY_OF}


@pytest.fixture
def alone(project: ProjectRuns, tmp_path: Path) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """What each era gives as the only, default gateway; the tables are emptied again afterwards."""
    found = {}
    for gateway, era in ERAS.items():
        run_as(project, DEFAULT_GATEWAY, gateway_state(tmp_path / "alone", gateway, era))
        found[gateway] = every_table(project, DEFAULT_GATEWAY)
        project.query(f"truncate {', '.join(GATEWAY_OF)}")
    return found


def test_two_gateways_land_side_by_side_with_nothing_merged_or_lost(
    project: ProjectRuns, alone: dict[str, dict[str, list[tuple[Any, ...]]]], tmp_path: Path
) -> None:
    for gateway, era in ERAS.items():
        results = run_as(project, gateway, gateway_state(tmp_path, gateway, era))
        # Every check holds, the cost check included: it compares this gateway's calls with the rates
        # of this gateway's own openclaw.json.
        checks = {k: c.passed for result in results.values() for k, c in check_results(result).items()}
        assert all(checks.values()), (gateway, checks)
    for gateway in ERAS:
        assert every_table(project, gateway) == alone[gateway], gateway
        assert all(alone[gateway].values()), f"{gateway}: a table with no rows proves nothing"
    # Every gateway has a `main` agent: two rows a day, never one summed row.
    mains = project.query("select agent_id from agent_usage where agent_id like '%%main' order by 1")
    assert mains == [("vps1:main",), ("vps2:main",)]
    # Nothing of the default gateway was invented along the way.
    assert not any(every_table(project, DEFAULT_GATEWAY).values())


def test_a_day_is_the_same_whichever_gateway_rolls_it_up(project: ProjectRuns, tmp_path: Path) -> None:
    states = {gateway: gateway_state(tmp_path, gateway, era) for gateway, era in ERAS.items()}
    select = (
        "select agent_id, date, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,"
        " total_cost, message_count from agent_usage order by agent_id"
    )
    run_as(project, "vps1", states["vps1"])
    only_vps1 = project.query(select)
    # vps2 is late: its run rolls the day up again with both ledgers, vps1's rows unchanged.
    run_as(project, "vps2", states["vps2"])
    both = project.query(select)
    assert [r for r in both if r[0].startswith("vps1:")] == only_vps1
    assert {r[0].split(SEPARATOR)[0] for r in both} == {"vps1", "vps2"}
    # Rerunning the day from either gateway, in either order, writes the same rows.
    run_as(project, "vps1", states["vps1"])
    assert project.query(select) == both
    run_as(project, "vps2", states["vps2"])
    assert project.query(select) == both


def test_a_sync_on_one_gateway_never_touches_anothers_rows(project: ProjectRuns, tmp_path: Path) -> None:
    states = {gateway: gateway_state(tmp_path, gateway, era) for gateway, era in ERAS.items()}
    for gateway, state in states.items():
        run_as(project, gateway, state)
    before = {gateway: every_table(project, gateway) for gateway in ERAS}

    # vps1 loses a cron job and a workspace file; its next sync removes exactly those two rows.
    jobs_file = states["vps1"] / "cron" / "jobs.json"
    jobs = json.loads(jobs_file.read_text())
    gone_job = jobs["jobs"].pop()["id"]
    jobs_file.write_text(json.dumps(jobs))
    workspace = next(p for p in sorted(states["vps1"].parent.rglob("workspace-main/*")) if p.is_file())
    workspace.unlink()
    run_as(project, "vps1", states["vps1"])

    after = every_table(project, "vps1")
    assert [r[0] for r in before["vps1"]["cron_jobs"] if r not in after["cron_jobs"]] == [gone_job]
    lost = [r for r in before["vps1"]["agent_workspaces"] if r not in after["agent_workspaces"]]
    assert [(r[0], r[1]) for r in lost] == [("main", workspace.name)]
    assert every_table(project, "vps2") == before["vps2"]

    # vps1's state gone altogether (a late mount): nothing of either gateway is removed.
    project.resources.state_dir = states["vps1"].parent / "not-mounted"
    for job in ("cron_job", "workspace_job"):
        project.run(job)
    assert every_table(project, "vps1") == after
    assert every_table(project, "vps2") == before["vps2"]


def test_a_single_gateway_keeps_plain_ids(project: ProjectRuns) -> None:
    run_as(project, DEFAULT_GATEWAY, project.use_sample("v2026.9.6"))
    for table, column in GATEWAY_OF.items():
        if column == "gateway_id":
            assert project.query(f"select distinct gateway_id from {table}") == [(DEFAULT_GATEWAY,)], table
        else:
            assert project.query(f"select count(*) from {table} where strpos({column}, ':') > 0") == [(0,)]


def readme_queries() -> list[str]:
    """The SQL blocks of the README's section on several gateways, dated to the samples' month."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Several gateways", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```sql\n")[1:]]
    # The samples' day is in November 2026; the README's queries ask for the current month.
    return [block.replace("date_trunc('month', current_date)", "date '2026-11-01'") for block in blocks]


def test_the_readme_dashboard_queries_tell_gateways_apart(project: ProjectRuns, tmp_path: Path) -> None:
    for gateway, era in ERAS.items():
        run_as(project, gateway, gateway_state(tmp_path, gateway, era))
    plain, by_gateway = readme_queries()
    agents = [row[0] for row in project.query(plain)]
    assert {"vps1:main", "vps2:main"} <= set(agents) and len(agents) == len(set(agents))
    rows = project.query(by_gateway)
    assert {row[0] for row in rows} == {"vps1", "vps2"}
    assert sorted(row[0] for row in rows if row[1] == "main") == ["vps1", "vps2"]
    assert sum(row[3] for row in rows) == sum(row[2] for row in project.query(plain))
