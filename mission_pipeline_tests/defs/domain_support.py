"""Helpers for the cron, workspace and ops tests: run metadata and logs, editing copied stores."""

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from mission_pipeline_tests.conftest import sample_dir

SOURCE = {"v2026.9.6": "sqlite", "v2026.5.28": "files"}
# The dashboard's text for each sample job, by name (the samples have every schedule kind).
SCHEDULE_TEXT = {
    "Weekday standup digest": "cron 30 7 * * 1-5 (Europe/Berlin)",
    "Metrics sweep": "every 2h",
    "Flight check-in reminder": "at 2026-12-27 23:00 UTC",
    "Quarterly tax reminder": "cron 0 9 1 1,4,7,10 * (America/Los_Angeles)",
    "Memory Dreaming Promotion": "cron 0 3 * * *",
    "heartbeat-main": "every 30m",
}


def metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, Any]:
    """The plain values of the asset's materialization metadata (the asset's and the IO manager's)."""
    (materialization,) = result.asset_materializations_for_node(asset)
    return {key: value.value for key, value in materialization.metadata.items()}


def logged(instance: dg.DagsterInstance, run_id: str, level: int = logging.WARNING) -> list[str]:
    """Messages the run's code logged at `level` or above."""
    return [
        entry.user_message
        for entry in instance.all_logs(run_id)
        if entry.dagster_event is None and isinstance(entry.level, int) and entry.level >= level
    ]


@contextmanager
def state_sqlite(state: Path) -> Iterator[sqlite3.Connection]:
    """A writable connection to a copy's state/openclaw.sqlite; committed on exit."""
    with closing(sqlite3.connect(state / "state" / "openclaw.sqlite")) as conn, conn:
        yield conn


def edit_json(path: Path, edit: Callable[[Any], object]) -> None:
    """Rewrite a JSON file through `edit(data)`, which changes it in place."""
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def recorded_cli(version: str, name: str) -> Any:
    """What the real OpenClaw CLI printed for the sample (`cli/<name>`)."""
    return json.loads((sample_dir(version) / "cli" / name).read_text(encoding="utf-8"))


def ms_utc(value: Any) -> datetime | None:
    """OpenClaw's epoch milliseconds as an aware UTC datetime."""
    return datetime.fromtimestamp(value / 1000, tz=UTC) if value is not None else None


def expected_rows(version: str) -> list[tuple[Any, ...]]:
    """The jobs the real CLI listed for the sample (`cron list --all`), as cron_jobs rows."""
    jobs = recorded_cli(version, "cron-list-all.json")["jobs"]
    return sorted(
        (
            job["id"],
            job["name"],
            job["enabled"],
            SCHEDULE_TEXT.get(job["name"], "every 7d"),  # the skill-collection reviews
            ms_utc(job["state"].get("lastRunAtMs")),
            ms_utc(job["state"].get("nextRunAtMs")),
        )
        for job in jobs
    )
