"""Where OpenClaw keeps cron jobs, their runtime state and their run logs, for one state dir.

`cron.store` in openclaw.json moves the jobs file (and the run logs beside it). The SQLite era keeps
jobs in `state/openclaw.sqlite` but still keys each row by this path (`store_key`), so the configured
path matters there too. Everything that reads cron (the pipeline, its schedule, `doctor`) asks here.
"""

from __future__ import annotations

from pathlib import Path

from mission_pipeline.openclaw.config import OpenClawConfig
from mission_pipeline.openclaw.state_dir import expand_path


def default_jobs_path(state_dir: Path) -> Path:
    """`<stateDir>/cron/jobs.json`, where the jobs are when `cron.store` is not set."""
    return state_dir / "cron" / "jobs.json"


def cron_jobs_path(state_dir: Path, config: OpenClawConfig) -> Path:
    """`cron.store` of openclaw.json if set, else `<stateDir>/cron/jobs.json`."""
    store = config.cron_store
    return expand_path(store, base=state_dir) if store else default_jobs_path(state_dir)


def cron_state_path(jobs_path: Path) -> Path:
    """The split runtime state (~2026.4.20+): `<store>-state.json` beside the jobs file."""
    return jobs_path.with_name(jobs_path.name.removesuffix(".json") + "-state.json")


def cron_runs_dir(jobs_path: Path) -> Path:
    """The file era's run logs (`runs/<jobId>.jsonl`), beside the jobs file."""
    return jobs_path.parent / "runs"
