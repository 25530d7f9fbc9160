"""The code location as the daemon runs it: the operating sensors, the schedules' rhythm, job tags, retention.

That it loads, and that every schedule and sensor is on by default, is `test_definitions.py`'s.
"""

from pathlib import Path
from typing import Any

import dagster as dg
import yaml  # type: ignore[import-untyped]

from mission_pipeline.definitions import defs
from mission_pipeline.defs.run_tags import FREQUENT, MONITORED, MONITORED_TAG, RETENTION_TAG

REPO = Path(__file__).resolve().parents[3]
JOB_NAMES = ("usage_job", "usage_refresh_job", "cron_job", "workspace_job", "budget_job")


def test_the_operating_sensors_and_the_frequent_schedules_are_there() -> None:
    schedules = {s.name: s for s in defs.schedules or []}
    sensors = {s.name: s for s in defs.sensors or []}
    assert {"cron_schedule", "workspace_schedule"} <= set(schedules)
    assert {"run_failure_alert_sensor", "run_retention_sensor"} <= set(sensors)
    crons = {n: s.cron_schedule for n, s in schedules.items() if isinstance(s, dg.ScheduleDefinition)}
    assert (crons["cron_schedule"], crons["workspace_schedule"]) == ("*/5 * * * *", "0 * * * *")


def test_every_scheduled_job_says_by_tag_that_it_is_monitored_and_how_long_its_runs_are_kept() -> None:
    # A new job must be added here, and so decide both.
    assert {job.name for job in defs.jobs or []} == set(JOB_NAMES)
    tags = {name: defs.resolve_job_def(name).run_tags for name in JOB_NAMES}
    assert {name for name, job in tags.items() if job.get(MONITORED_TAG) == MONITORED} == set(JOB_NAMES)
    # The daily usage runs are the history of every day and backfill: kept whatever the retention.
    assert {name for name, job in tags.items() if job.get(RETENTION_TAG) == FREQUENT} == {
        "cron_job",
        "workspace_job",
        "usage_refresh_job",
        "budget_job",
    }


def test_dagster_yaml_purges_ticks_and_is_a_valid_instance_config() -> None:
    config: dict[str, Any] = yaml.safe_load((REPO / "dagster.yaml").read_text())
    retention = config["retention"]
    assert retention["schedule"]["purge_after_days"] > 0
    assert all(days > 0 for days in retention["sensor"]["purge_after_days"].values())
    with dg.instance_for_test(overrides=config) as instance:  # raises on a key the schema lacks
        assert instance.run_coordinator is not None
