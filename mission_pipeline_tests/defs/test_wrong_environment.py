"""Every job against a wrong environment: every table keeps its rows, and the run says why.

After a full load from a real sample, each job runs again with OpenClaw's state directory missing,
empty, belonging to another program, unreadable, or appearing in the middle of the run (a volume
mounted late). None of them may add, change, mark gone or delete a row; each run must say, in a
failure or a check and a warning, what was wrong with which path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from mission_pipeline.defs import resources
from mission_pipeline.openclaw.state_check import StateDirCheck, check_state_dir
from mission_pipeline.openclaw.state_dir import StateDirLocation
from mission_pipeline_tests.defs.project import ProjectRuns
from mission_pipeline_tests.fixtures.refused_folders import refuse_folders

DAY = "2026-11-27"
TABLES = {
    "openclaw_usage_events": "event_id",
    "agent_usage_by_model": "agent_id, date, model, price_tier",
    "agent_usage": "agent_id, date",
    "openclaw_session_dumps": "agent_id, session_id",
    "cron_jobs": "job_id",
    "cron_job_runs": "run_id",
    "agent_workspaces": "agent_id, file_path",
}
JOBS: list[tuple[str, str | None]] = [
    ("usage_refresh_job", DAY),
    ("usage_job", DAY),
    ("cron_job", None),
    ("workspace_job", None),
]
ENVIRONMENTS = ["missing", "empty", "foreign", "empty agents folder", "unreadable", "appears mid-run"]


def snapshot(project: ProjectRuns) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, every column (updated_at and gone_at included)."""
    return {table: project.query(f"select * from {table} order by {key}") for table, key in TABLES.items()}


def said(project: ProjectRuns, result: dg.ExecuteInProcessResult) -> str:
    """Everything the run said about itself: step failures with their causes, and warnings."""
    text = []
    for event in result.all_events:
        data = event.step_failure_data if event.is_step_failure else None
        error = data.error if data is not None else None
        while error is not None:
            text.append(error.message)
            error = error.cause
    return "\n".join(text + project.logged(result))


@pytest.fixture
def loaded(project: ProjectRuns) -> Callable[[str], Path]:
    """A sample version loaded by every job, as the schedules would have done it."""

    def _load(version: str) -> Path:
        state = project.use_sample(version)
        for job, partition in JOBS:
            assert project.run(job, partition=partition).success, job
        assert all(project.query(f"select count(*) from {t}")[0][0] for t in TABLES)
        return state

    return _load


@contextmanager
def wrong_environment(
    environment: str, state: Path, scratch: Path, patch: pytest.MonkeyPatch, project: ProjectRuns
) -> Iterator[tuple[Path, str]]:
    """Point the pipeline at a wrong state directory; yields it and what the run must say about it."""
    scratch.mkdir()
    if environment == "missing":
        wrong, reason = scratch / "openclaw-typo", "no such directory"
    elif environment == "empty":
        wrong, reason = scratch / "empty", "is empty: not an OpenClaw state directory"
        wrong.mkdir()
    elif environment in ("foreign", "empty agents folder"):
        wrong, reason = scratch / "foreign", "holds neither openclaw.json nor an agent folder under agents/"
        (wrong / "data").mkdir(parents=True)
        (wrong / "settings.ini").write_text("[app]\nname = something else\n")
        if environment == "empty agents folder":
            (wrong / "agents").mkdir()
    elif environment == "unreadable":
        wrong, reason = state, "cannot be listed (Permission denied)"
        refuse_folders(patch, {str(state): "EACCES"})
    else:  # appears mid-run: absent when the first step looks, there for the steps after it
        wrong, reason = state, "no such directory"
        elsewhere = scratch / "not-mounted-yet"
        state.rename(elsewhere)

        def check_then_mount(location: StateDirLocation) -> StateDirCheck:
            check = check_state_dir(location)
            if not check.ok and elsewhere.exists():
                elsewhere.rename(state)
            return check

        patch.setattr(resources, "check_state_dir", check_then_mount)
    project.resources.state_dir = wrong
    try:
        yield wrong, reason
    finally:
        project.resources.state_dir = state


@pytest.mark.parametrize("version", ["v2026.9.6", "v2026.5.28"])
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_job_leaves_every_table_as_it_was(
    version: str, environment: str, loaded: Callable[[str], Path], project: ProjectRuns, tmp_path: Path
) -> None:
    state = loaded(version)
    before = snapshot(project)
    for job, partition in JOBS:
        with (
            pytest.MonkeyPatch.context() as patch,
            wrong_environment(environment, state, tmp_path / job, patch, project) as (path, reason),
        ):
            result = project.run(job, partition=partition)
        assert state.is_dir()  # a directory that appeared mid-run is there now
        assert snapshot(project) == before, f"{job} changed rows ({environment})"
        message = said(project, result)
        assert f"OpenClaw state directory {path}" in message and reason in message, (job, message)
        if environment != "appears mid-run":
            assert not result.success, job  # nothing was read, and the run says so by failing
