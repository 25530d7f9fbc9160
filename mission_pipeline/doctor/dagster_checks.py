"""Dagster: the instance and its storage, the run queue, and the daemon's heartbeats."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from mission_pipeline.doctor.automation_checks import AutomationChecks
from mission_pipeline.doctor.connection_urls import describe_storage_url, sqlalchemy_driver
from mission_pipeline.doctor.findings import Finding, Status, ago, first_line, worst
from mission_pipeline.settings import Settings

if TYPE_CHECKING:
    import dagster as dg

# Every daemon thread writes a heartbeat about every 30 s; three missed ones mean it is not running.
HEARTBEAT_STALE_SECONDS = 120


class DagsterChecks(AutomationChecks):
    """Dagster's instance, storage, run queue and daemon, then its schedules and sensors."""

    def dagster(self, settings: Settings) -> list[Finding]:
        from dagster import DagsterInstance

        home = os.environ.get("DAGSTER_HOME", "").strip()
        if not home:
            return [
                Finding("dagster", "warn", "DAGSTER_HOME is not set: daemon, schedules, sensors not checked")
            ]
        if not Path(home, "dagster.yaml").is_file():
            return [Finding("dagster", "fail", f"DAGSTER_HOME={home}: no dagster.yaml there")]
        try:
            instance = DagsterInstance.from_config(home)
        except Exception as exc:  # a bad dagster.yaml or an unreachable storage database
            return [Finding("dagster", "fail", f"DAGSTER_HOME={home}: cannot open", (self.error(exc),))]
        with instance:
            try:
                found = [self._instance(instance, settings, home)]
                daemons, healthy = self._daemons(instance)
                found.append(daemons)
                found += self._automation(instance, healthy)
            except Exception as exc:  # the storage went away mid-check
                found = [Finding("dagster", "fail", f"DAGSTER_HOME={home}: cannot read", (self.error(exc),))]
        return found

    def _instance(self, instance: dg.DagsterInstance, settings: Settings, home: str) -> Finding:
        from dagster._core.run_coordinator import QueuedRunCoordinator

        status: Status = "ok"
        details: list[str] = []
        url = getattr(instance.run_storage, "postgres_url", None)
        if isinstance(url, str):
            shown, pooler = describe_storage_url(url)
            storage = f"storage on Postgres: {shown}"
            if pooler:
                status = "fail"
                details.append(
                    "Dagster's storage is on a transaction pooler (port 6543): use the direct connection "
                    "or the session pooler (port 5432)"
                )
            if sqlalchemy_driver(url) == "psycopg":
                status = "fail"
                details.append(
                    "Dagster's storage would use psycopg 3, on which dagster-postgres cannot write events: "
                    "set the scheme to postgresql+psycopg2 (deploy/dagster.production.yaml)"
                )
        else:
            storage = f"storage: {type(instance.run_storage).__name__} in {home}"
            if settings.is_production:
                status = "warn"
                details.append(
                    "production keeps Dagster's storage on Postgres: deploy/dagster.production.yaml"
                )
        queue = instance.get_concurrency_config().run_queue_config
        limits = queue.tag_concurrency_limits if queue is not None else []
        if not isinstance(instance.run_coordinator, QueuedRunCoordinator):
            status = worst([status, "warn"])
            details.append("runs are not queued: no concurrency limits (use QueuedRunCoordinator)")
        elif not any(limit.get("key") == "dagster/partition" for limit in limits):
            status = worst([status, "warn"])
            details.append("no dagster/partition concurrency limit: two runs of one day may write at once")
        else:
            max_runs = queue.max_concurrent_runs if queue is not None else "?"
            details.append(f"run queue: at most {max_runs} runs, one per partition")
        return Finding("dagster", status, f"DAGSTER_HOME={home}, {storage}", tuple(details))

    def _daemons(self, instance: dg.DagsterInstance) -> tuple[Finding, set[str]]:
        required = list(instance.get_required_daemon_types())
        beats = instance.get_daemon_heartbeats()
        now = self.now()
        ages = {kind: now - beats[kind].timestamp for kind in required if kind in beats}
        healthy = {kind for kind, age in ages.items() if age <= HEARTBEAT_STALE_SECONDS}
        if not ages:
            return Finding(
                "daemon",
                "fail",
                "not running: no daemon heartbeat in this instance",
                ("start it: systemctl start mission-pipeline-daemon (or make dev)",),
            ), healthy
        silent = sorted(set(required) - healthy)
        errors = [
            f"{kind}: {self.hide(first_line(error.message))}"
            for kind in sorted(healthy)
            for error in (beats[kind].errors or [])[:1]
        ]
        if silent:
            newest = ago(min(ages.values()))
            which = f"all {len(required)} daemons" if not healthy else ", ".join(silent)
            summary = f"not running: no heartbeat from {which} (newest {newest})"
            return Finding("daemon", "fail", summary, tuple(errors)), healthy
        summary = f"running: {len(required)} daemons, heartbeats {ago(max(ages.values()))} or newer"
        return Finding("daemon", "warn" if errors else "ok", summary, tuple(errors)), healthy
