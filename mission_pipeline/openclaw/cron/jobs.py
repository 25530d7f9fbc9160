"""Snapshot of OpenClaw's cron jobs: the CLI when asked, else the SQLite store, else the legacy files.

A snapshot replaces the jobs table, so it says how far it can be trusted: `complete` is False when a
job (`skipped_job_ids`) or the authoritative store could not be read, or no store was found."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mission_pipeline.openclaw.cli import OpenClawCliError
from mission_pipeline.openclaw.cron.jobs_cli import jobs_from_cli
from mission_pipeline.openclaw.cron.jobs_stores import jobs_from_files, jobs_from_sqlite
from mission_pipeline.openclaw.cron.schedule import CronJobRecord
from mission_pipeline.openclaw.cron.snapshot import CronSnapshot
from mission_pipeline.openclaw.cron.store import default_jobs_path
from mission_pipeline.openclaw.problems import ProblemLog

__all__ = ["CronJobRecord", "CronSnapshot", "read_cron_jobs"]


def read_cron_jobs(
    state_dir: Path,
    *,
    cli_command: list[str] | None,
    problems: ProblemLog,
    jobs_path: Path | None = None,
    default_agent_id: str | None = None,
) -> CronSnapshot:
    """All cron jobs (disabled too): the CLI if given, else `state/openclaw.sqlite`, else `cron/jobs.json`."""
    cli_error = None
    if cli_command:
        try:
            return jobs_from_cli(cli_command, state_dir, problems, default_agent_id)
        except OpenClawCliError as exc:
            cli_error = str(exc)
    jobs_path = jobs_path or default_jobs_path(state_dir)
    try:
        snapshot = jobs_from_sqlite(state_dir, jobs_path, problems, default_agent_id)
        store_failed = False
    except sqlite3.Error:
        snapshot, store_failed = None, True
    if snapshot is None:
        snapshot = jobs_from_files(jobs_path, problems, default_agent_id)
        # Files are only a stand-in when the SQLite store exists but could not be read.
        snapshot.complete = snapshot.complete and not store_failed
    elif jobs_path.is_file():
        # SQLite-era OpenClaw never reads this file again; only `doctor --fix` imports it.
        problems.add(jobs_path, "ignored: jobs live in state/openclaw.sqlite now (`openclaw doctor --fix`)")
    if cli_error:
        snapshot.cli_error = cli_error
        snapshot.detail = f"CLI failed ({' '.join(cli_error.split())}); fell back to: {snapshot.detail}"
    return snapshot
