"""Two OpenClaw gateways on Dagster's distributed deployment, every process real, on this machine.

Each gateway host is a code server with its own OpenClaw state; the central webserver and daemon have
none. So rows that match each gateway's own sample, and metadata naming its own state dir, prove each
run executed on its gateway's code server. The pipeline's tables and Dagster's storage share one
PostgreSQL server, in two databases, as deploy/README.md sets them up.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml  # type: ignore[import-untyped]

from mission_pipeline.openclaw.agents import discover_agents_checked
from mission_pipeline.openclaw.config import load_config
from mission_pipeline.openclaw.cron.jobs import read_cron_jobs
from mission_pipeline.openclaw.cron.store import cron_jobs_path
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.usage.read import read_usage_events
from mission_pipeline.openclaw.workspaces import scan_workspace
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.defs.test_gateway_writer import as_user
from mission_pipeline_tests.deploy.conftest import PRODUCTION_YAML, DagsterDatabase
from mission_pipeline_tests.deploy.gateways_harness import BIN, Deployment, clean_environment, wait_until
from mission_pipeline_tests.fixtures.postgres import query

pytestmark = [
    pytest.mark.slow,
    # dagster_graphql's client still passes variable_values the old way; not ours to fix.
    pytest.mark.filterwarnings("ignore:Using variable_values and operation_name:DeprecationWarning"),
]

DAY = "2026-11-27"  # every call of both samples falls on it (UTC)
DAY_WINDOW = (dt.datetime(2026, 11, 27, tzinfo=dt.UTC), dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
GATEWAYS = {"vps1": "v2026.5.28", "vps2": "v2026.9.6"}  # the JSONL era, the SQLite era
DEFAULT = "default"  # the gateway of a deployment that names none
EVERY_JOB = ["usage_job", "cron_job", "workspace_job"]
# Each dashboard table and the column holding its (qualified) id.
TABLE_IDS = {"agent_usage": "agent_id", "cron_jobs": "job_id", "agent_workspaces": "agent_id"}
# Each pipeline table and which of its rows are a gateway's: its gateway_id, or its qualified ids.
RAW_TABLES = ("openclaw_usage_events", "openclaw_session_dumps", "cron_job_runs")
GATEWAY_ROWS = {
    **{table: "gateway_id = %(gateway)s" for table in RAW_TABLES},
    **{table: f"{key} like %(qualified)s" for table, key in TABLE_IDS.items()},
    "agent_usage_by_model": "agent_id like %(qualified)s",
}
PARTITION = {"usage_job": {"dagster/partition": DAY}}  # the tags of a job's runs
TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
WRITER_PASSWORD = "gateway-writer:p@ss/word%"  # URL-special characters on purpose
SENSOR_TICKS = """
query ($selector: SensorSelector!, $after: Float) { sensorOrError(sensorSelector: $selector) {
    ... on Sensor { sensorState { ticks(afterTimestamp: $after) { status timestamp } } } } }
"""


def local_ids(gateway: str, rows: set[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    """Rows of `gateway`, the first column its id: `<gateway>:<id>`, or a bare id for `default`."""
    if gateway == DEFAULT:
        return {row for row in rows if ":" not in row[0]}
    prefix = f"{gateway}:"
    return {(row[0].removeprefix(prefix), *row[1:]) for row in rows if row[0].startswith(prefix)}


def expected_usage(state: Path) -> tuple[int, set[tuple[Any, ...]]]:
    """The sample's calls of DAY read directly, and each agent's token sums."""
    start, end = DAY_WINDOW
    events = list(read_usage_events(state, start=start, end=end, problems=ProblemLog()))
    sums: dict[str, list[int]] = {}
    for event in events:
        totals = sums.setdefault(event.agent_id, [0, 0, 0, 0])
        for i, name in enumerate(TOKENS):
            totals[i] += getattr(event, name)
    return len(events), {(agent, *totals) for agent, totals in sums.items()}


def expected_cron_jobs(state: Path) -> set[tuple[Any, ...]]:
    """The sample's cron job ids, read from its store as a run with the CLI off reads them."""
    config = load_config(state, problems=ProblemLog())
    jobs = read_cron_jobs(
        state, cli_command=None, problems=ProblemLog(), jobs_path=cron_jobs_path(state, config)
    ).jobs
    return {(job.job_id,) for job in jobs}


def expected_workspace_files(state: Path) -> dict[tuple[str, str], Path]:
    """(agent id, relative path) of every workspace file the index keeps (3 levels) -> the file."""
    agents, _complete = discover_agents_checked(state, problems=ProblemLog())
    scans = [scan_workspace(a.id, a.workspace, max_depth=3, problems=ProblemLog()) for a in agents]
    return {(f.agent_id, f.file_path): scan.root / f.file_path for scan in scans for f in scan.files}


def table_rows(database: DatabaseTarget, gateway: str) -> dict[str, set[tuple[Any, ...]]]:
    """The gateway's rows of the dashboard tables, in the columns the expectations above give."""
    statements = {
        "agent_usage": f"select agent_id, {', '.join(TOKENS)} from agent_usage where date = '{DAY}'",
        "cron_jobs": "select job_id from cron_jobs",
        "agent_workspaces": "select agent_id, file_path from agent_workspaces",
    }
    return {table: local_ids(gateway, set(query(database, sql))) for table, sql in statements.items()}


def full_rows(database: DatabaseTarget, gateway: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every column of the gateway's rows of every table (but created_at/updated_at), in a fixed order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table, where in GATEWAY_ROWS.items():
        columns = query(
            database,
            "select column_name from information_schema.columns where table_schema = 'public'"
            " and table_name = %s and column_name not in ('created_at', 'updated_at') order by 1",
            (table,),
        )
        names = ", ".join(name for (name,) in columns)
        statement = f"select {names} from {table} where {where} order by {names}"
        found[table] = query(database, statement, {"gateway": gateway, "qualified": f"{gateway}:%"})
    return found


@pytest.fixture
def dagster_home(tmp_path: Path) -> Path:
    """deploy/dagster.production.yaml as the instance, without sslmode (the local server has no TLS)."""
    config = yaml.safe_load(PRODUCTION_YAML.read_text())
    del config["storage"]["postgres"]["postgres_db"]["params"]
    home = tmp_path / "dagster-home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    return home


@pytest.fixture
def deployment(tmp_path: Path, dagster_home: Path, dagster_database: DagsterDatabase) -> Iterator[Deployment]:
    """The central host's environment: Dagster's storage, no OpenClaw state, no SUPABASE_DB_URL."""
    central = {**clean_environment(), **dagster_database.env, "DAGSTER_HOME": str(dagster_home)}
    deployment = Deployment(tmp_path / "deployment", central)
    try:
        yield deployment
    finally:
        deployment.stop()
        print(deployment.tails())  # shown by pytest when the test failed


@pytest.fixture
def gateway_databases(empty_database: DatabaseTarget, tmp_path: Path) -> Iterator[dict[str, dict[str, str]]]:
    """deploy/gateways.md's database setup: the owner applies the migrations from the central host,
    each gateway writes as a login role of its own in mission_pipeline_writer, AUTO_MIGRATE=false."""
    migrate = subprocess.run(
        [str(BIN / "mission-pipeline"), "migrate"],
        env={**clean_environment(), "SUPABASE_DB_URL": empty_database.url},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    roles = {gateway: f"mp_{gateway}_{uuid.uuid4().hex[:8]}" for gateway in GATEWAYS}
    for role in roles.values():
        query(
            empty_database,
            f"create role {role} login password '{WRITER_PASSWORD}' in role mission_pipeline_writer",
        )
    try:
        yield {
            gateway: {
                "SUPABASE_DB_URL": as_user(empty_database, role, WRITER_PASSWORD).url,
                "AUTO_MIGRATE": "false",
            }
            for gateway, role in roles.items()
        }
    finally:
        for role in roles.values():
            query(empty_database, f"drop role if exists {role}")


@pytest.fixture
def instance(
    dagster_home: Path, dagster_database: DagsterDatabase, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dg.DagsterInstance]:
    """The deployment's Dagster instance, read from the test process."""
    for name, value in dagster_database.env.items():
        monkeypatch.setenv(name, value)
    with dg.DagsterInstance.from_config(str(dagster_home)) as opened:
        yield opened


def start_gateways(
    deployment: Deployment,
    gateways: dict[str, str],
    copy_sample: Callable[[str], Path],
    databases: dict[str, dict[str, str]],
    home: Path,
) -> dict[str, Path]:
    """One code server per gateway (id -> sample version), each with its own copy of its sample and
    the database settings `databases` gives it."""
    states = {}
    for gateway, version in gateways.items():
        states[gateway] = copy_sample(version)
        env = {
            **deployment.central_env,
            "DAGSTER_HOME": str(home),
            **({} if gateway == DEFAULT else {"OPENCLAW_GATEWAY_ID": gateway}),
            "OPENCLAW_STATE_DIR": str(states[gateway]),
            "OPENCLAW_CLI": "off",
            **databases[gateway],
            "USAGE_TIMEZONE": "UTC",
            "MISSION_PIPELINE_DATA_DIR": str(deployment.root / f"{gateway}-data"),
        }
        deployment.start_code_server(gateway, env)
    deployment.start_central()
    return states


def run_all(deployment: Deployment, jobs: dict[str, list[str]]) -> dict[tuple[str, str], str]:
    """Queue each gateway's jobs (usage for DAY); every run must succeed. (gateway, job) -> run id."""
    run_ids = {
        (gateway, job): deployment.submit(gateway, job, PARTITION.get(job))
        for gateway, names in jobs.items()
        for job in names
    }
    statuses = deployment.wait_for_runs(list(run_ids.values()))
    assert set(statuses.values()) == {dg.DagsterRunStatus.SUCCESS}, statuses
    return run_ids


def assert_rows_are_each_samples_own(database: DatabaseTarget, states: dict[str, Path]) -> None:
    """Each gateway's rows are what its sample alone gives, under its ids; no other rows."""
    for gateway, state in states.items():
        calls, usage = expected_usage(state)
        assert calls > 0
        rows = table_rows(database, gateway)
        assert rows["agent_usage"] == usage
        assert rows["cron_jobs"] == expected_cron_jobs(state)
        assert rows["agent_workspaces"] == set(expected_workspace_files(state))
        ledger = "select count(*) from openclaw_usage_events where occurred_at >= %s and occurred_at < %s"
        if gateway != DEFAULT:
            ledger += " and gateway_id = %s"
        assert query(database, ledger, (*DAY_WINDOW, gateway)[: ledger.count("%s")]) == [(calls,)]
    totals = {table: sum(map(len, (table_rows(database, g)[table] for g in states))) for table in TABLE_IDS}
    for table in TABLE_IDS:
        assert query(database, f"select count(*) from {table}") == [(totals[table],)], table


def assert_each_ran_on_its_own_host(
    instance: dg.DagsterInstance, run_ids: dict[tuple[str, str], str], states: dict[str, Path], *, named: bool
) -> None:
    """The ledger's metadata names the run's own state dir, which only its code server knows; `named`:
    the run's tags and its materializations of OpenClaw's files name its gateway and host (this one)."""
    for (gateway, job), run_id in run_ids.items():
        run = instance.get_run_by_id(run_id)
        assert run is not None
        records = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        metadata = [r.asset_materialization.metadata for r in records if r.asset_materialization]
        assert metadata, (gateway, job)
        if job == "usage_job":
            ledger = [m["openclaw_state_dir"].value for m in metadata if "openclaw_state_dir" in m]
            assert ledger == [str(states[gateway])]
        if named:
            assert run.tags.get("openclaw/gateway") == gateway
            # The rollups (agent_usage, agent_usage_by_model) read every gateway's ledger: unnamed.
            named_by = [m for m in metadata if "gateway" in m]
            assert named_by, metadata
            where = {(m["gateway"].value, m["host"].value) for m in named_by}
            assert where == {(gateway, socket.gethostname())}


def test_one_gateway_runs_on_its_code_server(
    empty_database: DatabaseTarget,  # first: it outlives the processes writing to it
    deployment: Deployment,
    dagster_home: Path,
    instance: dg.DagsterInstance,
    copy_sample: Callable[[str], Path],
) -> None:
    """A single-gateway deployment (no OPENCLAW_GATEWAY_ID): its jobs run on its code server."""
    gateways = {DEFAULT: GATEWAYS["vps2"]}
    # deploy/README.md's single host: the owner's URL, migrations applied by the first run.
    database = {DEFAULT: {"SUPABASE_DB_URL": empty_database.url}}
    states = start_gateways(deployment, gateways, copy_sample, database, dagster_home)
    run_ids = run_all(deployment, {DEFAULT: EVERY_JOB})
    assert_rows_are_each_samples_own(empty_database, states)
    assert_each_ran_on_its_own_host(instance, run_ids, states, named=False)

    deployment.services[DEFAULT].kill()
    deployment.reload_workspace()
    assert deployment.location_statuses() == {DEFAULT: "PythonError"}


# The suite's year-ahead pass runs under libfaketime, which preloads itself into every process (its
# clock shared through FAKETIME_SHARED). With a daemon, a webserver, two code servers and their run
# workers, two of this test's runs never finish there (cause not found yet; the one-gateway test
# above passes). The test's dates are the samples' own, so the first pass, on the real clock, tells.
@pytest.mark.skipif("FAKETIME" in os.environ, reason="six Dagster processes under libfaketime stall")
def test_two_gateways_each_sync_their_own_rows_on_their_own_host(
    empty_database: DatabaseTarget,  # first: it outlives the processes writing to it
    gateway_databases: dict[str, dict[str, str]],
    deployment: Deployment,
    dagster_home: Path,
    instance: dg.DagsterInstance,
    copy_sample: Callable[[str], Path],
) -> None:
    """deploy/gateways.md on one machine: vps1 (JSONL era) and vps2 (SQLite era), a code server each."""
    states = start_gateways(deployment, GATEWAYS, copy_sample, gateway_databases, dagster_home)
    run_ids = run_all(deployment, {gateway: EVERY_JOB for gateway in GATEWAYS})
    assert_rows_are_each_samples_own(empty_database, states)
    assert_each_ran_on_its_own_host(instance, run_ids, states, named=True)

    # A sync on vps1 never touches vps2's rows.
    vps2_before = full_rows(empty_database, "vps2")
    assert all(vps2_before[table] for table in ("openclaw_usage_events", "agent_usage_by_model", *TABLE_IDS))
    vps1_before = table_rows(empty_database, "vps1")
    files = expected_workspace_files(states["vps1"])
    gone_file = sorted(files)[0]
    files[gone_file].unlink()
    jobs_json = states["vps1"] / "cron" / "jobs.json"
    store = json.loads(jobs_json.read_text())
    gone_job = store["jobs"].pop(0)["id"]
    jobs_json.write_text(json.dumps(store))
    assert gone_file in vps1_before["agent_workspaces"]
    assert (gone_job,) in vps1_before["cron_jobs"]
    run_all(deployment, {"vps1": ["cron_job", "workspace_job"]})
    vps1_after = table_rows(empty_database, "vps1")
    assert vps1_after["agent_workspaces"] == vps1_before["agent_workspaces"] - {gone_file}
    assert vps1_after["cron_jobs"] == vps1_before["cron_jobs"] - {(gone_job,)}
    assert full_rows(empty_database, "vps2") == vps2_before

    # vps1's host goes down: its location errors, vps2's stays loaded and the daemon keeps serving it:
    # it launches vps2's queued runs and evaluates vps2's sensors.
    killed_at = time.time()
    deployment.services["vps1"].kill()
    deployment.reload_workspace()
    assert deployment.location_statuses() == {"vps1": "PythonError", "vps2": "RepositoryLocation"}
    run_all(deployment, {"vps2": ["usage_job"]})
    sensor = {"repositoryLocationName": "vps2", "repositoryName": "__repository__"}
    sensor["sensorName"] = "run_failure_alert_sensor"  # ticks every 30 s (the usage sensor every 300)

    def vps2_ticks() -> list[dict[str, Any]]:
        answer = deployment.graphql(SENSOR_TICKS, {"selector": sensor, "after": killed_at})
        ticks: list[dict[str, Any]] = answer["sensorOrError"]["sensorState"]["ticks"]
        return ticks

    ticks = wait_until(vps2_ticks, timeout=90, what="a tick of vps2's sensor after vps1 died", interval=3)
    assert {tick["status"] for tick in ticks} <= {"SUCCESS", "SKIPPED"}, ticks
