"""deploy/dagster.production.yaml on a real PostgreSQL: it validates; runs, events, schedules round-trip."""

import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from dagster._core.run_coordinator import QueuedRunCoordinator
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    ScheduleInstigatorData,
)
from dagster._daemon.types import DaemonHeartbeat

from mission_pipeline_tests.deploy.conftest import (
    DAGSTER_ROLE_PASSWORD,
    PRODUCTION_YAML,
    DagsterDatabase,
)
from mission_pipeline_tests.deploy.instigators import instigator_origin

DAY = "2026-11-27"
DAILY = dg.DailyPartitionsDefinition(start_date="2026-11-01", end_offset=1)


@dg.asset(partitions_def=DAILY)
def probe(context: dg.AssetExecutionContext) -> dg.MaterializeResult:  # type: ignore[type-arg]
    """A one-row asset: enough to write a run, its events and a materialization."""
    return dg.MaterializeResult(metadata={"partition": context.partition_key})


def test_dagster_instance_info_accepts_it(
    production_home: Path, dagster_database: DagsterDatabase, tmp_path: Path
) -> None:
    """The operator's own check: `dagster instance info` loads the file and finds the schema current."""
    env = {**os.environ, "DAGSTER_HOME": str(production_home), **dagster_database.env}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), "instance", "info"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=tmp_path,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    for storage in ("PostgresRunStorage", "PostgresEventLogStorage", "PostgresScheduleStorage"):
        assert storage in done.stdout
    schema = done.stdout.split("Storage schema state:", 1)[1]
    currents = [line.split(":")[1].strip() for line in schema.splitlines() if "current:" in line]
    latests = [line.split(":")[1].strip() for line in schema.splitlines() if "latest:" in line]
    assert len(currents) == 3
    assert currents == latests
    assert DAGSTER_ROLE_PASSWORD not in output


def test_settings_the_issue_asks_for(
    production_home: Path, dagster_database: DagsterDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queued runs with one run per partition, run monitoring, run retries, tick retention."""
    use_env(monkeypatch, dagster_database.env)
    with dg.DagsterInstance.from_config(str(production_home)) as instance:
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        queue = instance.get_concurrency_config().run_queue_config
        assert queue is not None
        assert queue.max_concurrent_runs == 4
        assert {
            "key": "dagster/partition",
            "value": {"applyLimitPerUniqueValue": True},
            "limit": 1,
        } in queue.tag_concurrency_limits
        assert {"key": "dagster/backfill", "limit": 1} in queue.tag_concurrency_limits
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_max_runtime_seconds == 14400
        assert instance.run_retries_enabled
        assert instance.run_retries_max_retries == 2
        assert not instance.run_retries_retry_on_asset_or_op_failure
        retention = instance.get_settings("retention")
        assert retention["schedule"]["purge_after_days"] == 7
        assert retention["sensor"]["purge_after_days"]["skipped"] == 1
        assert "SENSOR" in instance.get_required_daemon_types()


def test_runs_events_and_schedules_round_trip_in_their_own_schema(
    production_home: Path, dagster_database: DagsterDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everything Dagster stores goes to Postgres, and into the `dagster` schema, never `public`."""
    use_env(monkeypatch, dagster_database.env)
    with dg.DagsterInstance.from_config(str(production_home)) as instance:
        result = dg.materialize([probe], instance=instance, partition_key=DAY)
        assert result.success
        assert instance.get_run_by_id(result.run_id) is not None
        assert instance.get_materialized_partitions(probe.key) == {DAY}
        event = instance.get_latest_materialization_event(probe.key)
        assert event is not None
        assert event.run_id == result.run_id

        now = time.time()
        instance.add_daemon_heartbeat(DaemonHeartbeat(now, "SENSOR", None, None))
        assert instance.get_daemon_heartbeats()["SENSOR"].timestamp == pytest.approx(now)

        state = InstigatorState(
            instigator_origin("cron_schedule"),
            InstigatorType.SCHEDULE,
            InstigatorStatus.STOPPED,
            ScheduleInstigatorData("*/5 * * * *"),
        )
        instance.add_instigator_state(state)
        stored = instance.get_instigator_state(state.instigator_origin_id, state.selector_id)
        assert stored is not None
        assert stored.status == InstigatorStatus.STOPPED

    with psycopg.connect(dagster_database.admin_url) as conn:
        rows = conn.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema not in ('pg_catalog', 'information_schema')"
        ).fetchall()
    schemas = {schema for schema, _table in rows}
    tables = {table for _schema, table in rows}
    assert schemas == {"dagster"}
    assert {"runs", "event_logs", "instigators", "job_ticks", "daemon_heartbeats"} <= tables


def test_storage_uses_psycopg2_and_names_the_supabase_endpoint() -> None:
    """psycopg 3 (SQLAlchemy 2.1's default driver) breaks dagster-postgres; 6543 is named as a trap."""
    text = PRODUCTION_YAML.read_text()
    assert "scheme: postgresql+psycopg2" in text
    assert "5432" in text
    assert "6543" in text


def use_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """Set the DAGSTER_PG_* (and PGHOST) variables of a test database."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
