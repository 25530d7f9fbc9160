"""The Definitions object as a user meets it in the Dagster UI."""

import dagster as dg

from mission_pipeline.definitions import defs

ASSET_GROUPS = {
    "openclaw_session_dumps": "usage",
    "openclaw_usage_events": "usage",
    "agent_usage_by_model": "usage",
    "agent_usage": "usage",
    "cron_jobs": "cron",
    "cron_job_runs": "cron",
    "agent_workspaces": "workspaces",
}


def test_loads_and_validates() -> None:
    dg.Definitions.validate_loadable(defs)


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


def test_schedules_and_sensors_run_without_a_click() -> None:
    for schedule in defs.schedules or []:
        assert isinstance(schedule, dg.ScheduleDefinition)
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING, schedule.name
    for sensor in defs.sensors or []:
        assert isinstance(sensor, dg.SensorDefinition)
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING, sensor.name
