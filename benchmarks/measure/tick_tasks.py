"""Child tasks for the host's steady cost: one evaluation of every sensor and schedule, the runs the
frequent ones launch, and what starting a run's process costs.

CPU is `time.process_time()` (user + system, every thread of this process) around the measured call:
the machine is shared, so wall time would measure the neighbours too. The instance is the one in
DAGSTER_HOME (the parent gives each task a fresh one), as the daemon's code server would see it.
"""

from __future__ import annotations

import datetime as dt
import time
import warnings
from typing import Any

# Evaluated twice: the first tick of the usage sensor records the baseline cursor, the second is the
# steady tick every 5 minutes on a gateway where nothing changed since.
SENSORS = ("openclaw_usage_sensor", "budget_sensor", "run_retention_sensor")
SCHEDULES = ("cron_schedule", "workspace_schedule", "usage_hourly_schedule", "usage_daily_schedule")


def ticks(repeats: int) -> dict[str, Any]:
    """CPU-seconds of each sensor's first and steady tick and of each schedule's tick (best of
    `repeats` steady ones), and the size of each sensor's cursor."""
    warnings.simplefilter("ignore")
    import dagster as dg

    from mission_pipeline.definitions import defs

    repo = defs.get_repository_def()
    resources = repo.get_top_level_resources()
    out: dict[str, Any] = {"sensors": {}, "schedules": {}}
    with dg.DagsterInstance.get() as instance:
        for name in SENSORS:
            sensor = repo.get_sensor_def(name)
            cursor: str | None = None
            first: float | None = None
            steady: list[float] = []
            for _ in range(repeats + 1):
                with dg.build_sensor_context(
                    instance=instance, cursor=cursor, repository_def=repo, resources=resources
                ) as context:
                    started = time.process_time()
                    result = sensor.evaluate_tick(context)
                    spent = time.process_time() - started
                cursor = result.cursor if result.cursor is not None else cursor
                if first is None:
                    first = spent
                else:
                    steady.append(spent)
            out["sensors"][name] = {"first": first, "steady": min(steady), "cursor_bytes": len(cursor or "")}
        at = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
        for name in SCHEDULES:
            schedule = repo.get_schedule_def(name)
            spent_each = []
            for _ in range(repeats):
                with dg.build_schedule_context(
                    instance=instance, scheduled_execution_time=at, repository_def=repo, resources=resources
                ) as context:
                    started = time.process_time()
                    schedule.evaluate_tick(context)
                    spent_each.append(time.process_time() - started)
            out["schedules"][name] = {"steady": min(spent_each)}
    return out


def runs(day: str) -> dict[str, Any]:
    """CPU-seconds of one in-process run of each scheduled job (the usage ones for `day`), in the order
    a day brings them: usage written first, so the budget run has usage to judge."""
    warnings.simplefilter("ignore")
    import dagster as dg

    from mission_pipeline.definitions import defs

    plan = [
        ("usage_job", day),
        ("usage_refresh_job", day),
        ("cron_job", None),
        ("workspace_job", None),
        ("budget_job", None),
    ]
    out: dict[str, Any] = {}
    with dg.DagsterInstance.get() as instance:
        for name, partition in plan:
            job = defs.resolve_job_def(name)
            started = time.process_time()
            result = job.execute_in_process(instance=instance, partition_key=partition, raise_on_error=False)
            out[name] = {"cpu": time.process_time() - started, "success": result.success}
    return out


def load_definitions() -> dict[str, Any]:
    """What every run's own process does before its first step: import Dagster and the definitions.
    The parent takes the whole process's CPU from its rusage; this reports the import's own share."""
    warnings.simplefilter("ignore")
    started = time.process_time()
    from mission_pipeline.definitions import defs

    defs.get_repository_def()
    return {"cpu": time.process_time() - started}


def stop_instigators(workspace: str) -> dict[str, Any]:
    """Stop every sensor and schedule of the workspace in the instance (DAGSTER_HOME), as
    `dagster sensor stop` / `dagster schedule stop` would: the processes then only idle."""
    warnings.simplefilter("ignore")
    import dagster as dg
    from dagster._cli.workspace.cli_target import RepositoryOpts, get_repository_from_cli_opts
    from dagster_shared.cli import WorkspaceOpts

    stopped = []
    with (
        dg.DagsterInstance.get() as instance,
        get_repository_from_cli_opts(
            instance=instance,
            version=dg.__version__,
            workspace_opts=WorkspaceOpts(workspace=(workspace,)),
            repository_opts=RepositoryOpts(),
        ) as repo,
    ):
        for sensor in repo.get_sensors():
            instance.stop_sensor(sensor.get_remote_origin_id(), sensor.selector_id, sensor)
            stopped.append(sensor.name)
        for schedule in repo.get_schedules():
            instance.stop_schedule(schedule.get_remote_origin_id(), schedule.selector_id, schedule)
            stopped.append(schedule.name)
    return {"stopped": stopped}
