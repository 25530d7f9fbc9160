"""The Definitions object as a user meets it in the Dagster UI, loaded in process (once, here).

`test_dagster_cli.py` loads it the way `dagster dev` and `dagster definitions validate` do.
"""

import datetime as dt

import dagster as dg

# dg.FreshnessPolicy.time_window's class: its windows are not on the public base class.
from dagster._core.definitions.freshness import TimeWindowFreshnessPolicy

from mission_pipeline.definitions import defs

ASSET_GROUPS = {
    "openclaw_session_dumps": "usage",
    "openclaw_usage_events": "usage",
    "agent_usage_by_model": "usage",
    "agent_usage": "usage",
    "cron_jobs": "cron",
    "cron_job_runs": "cron",
    "agent_workspaces": "workspaces",
    "usage_budget_status": "budgets",
}


def test_loads_and_validates() -> None:
    dg.Definitions.validate_loadable(defs)


def test_every_asset_check_is_described() -> None:
    graph = defs.resolve_asset_graph()
    checks = {
        f"{key.asset_key.to_user_string()}/{key.name}": graph.get_check_spec(key)
        for key in graph.asset_check_keys
    }
    assert len(checks) == 12
    assert [name for name, spec in checks.items() if not spec.description] == []


# The assets the dashboard reads, and how often their schedules rewrite them.
SCHEDULED_EVERY = {
    "agent_usage": dt.timedelta(hours=1),
    # Every 5 minutes when the cron state changed, at least hourly when it did not.
    "cron_jobs": dt.timedelta(hours=1),
    "agent_workspaces": dt.timedelta(hours=1),
}


def test_the_scheduled_assets_say_how_fresh_their_schedules_keep_them() -> None:
    graph = defs.resolve_asset_graph()
    for name, interval in SCHEDULED_EVERY.items():
        policy = graph.get(dg.AssetKey(name)).freshness_policy
        assert isinstance(policy, TimeWindowFreshnessPolicy), name
        assert policy.warn_window is not None, name
        warn, fail = policy.warn_window.to_timedelta(), policy.fail_window.to_timedelta()
        # Not while the schedule is on time; within a few of its intervals when it is not.
        assert interval < warn < fail <= 4 * interval, name


def test_every_asset_is_grouped_and_described() -> None:
    graph = defs.resolve_asset_graph()
    found = {key.to_user_string(): graph.get(key) for key in graph.get_all_asset_keys()}
    assert {name: node.group_name for name, node in found.items()} == ASSET_GROUPS
    for name, node in found.items():
        assert node.description and len(node.description.splitlines()) == 1, name


def test_usage_assets_are_daily_partitioned_and_backfill_in_one_run() -> None:
    graph = defs.resolve_asset_graph()
    for name in ("openclaw_usage_events", "agent_usage_by_model", "agent_usage"):
        node = graph.get(dg.AssetKey(name))
        assert isinstance(node.partitions_def, dg.DailyPartitionsDefinition), name
        assert node.backfill_policy == dg.BackfillPolicy.single_run(), name


def test_every_schedule_and_sensor_runs_without_a_click() -> None:
    for schedule in defs.schedules or []:
        assert isinstance(schedule, dg.ScheduleDefinition)
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING, schedule.name
    for sensor in defs.sensors or []:
        assert isinstance(sensor, dg.SensorDefinition)
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING, sensor.name
