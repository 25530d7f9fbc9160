"""Cron jobs as OpenClaw knows them, and their run history."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd

from mission_pipeline.defs.gateway import where_it_ran
from mission_pipeline.defs.resources import OpenClawResource, require_state_dir
from mission_pipeline.defs.retries import warehouse_asset
from mission_pipeline.defs.sync_scope import SyncScope, source_complete_result, source_complete_spec
from mission_pipeline.gateways import qualify
from mission_pipeline.openclaw.agents import discover_agents
from mission_pipeline.openclaw.cli import OpenClawCliError
from mission_pipeline.openclaw.config import load_config
from mission_pipeline.openclaw.cron.jobs import CronJobRecord, CronSnapshot, read_cron_jobs
from mission_pipeline.openclaw.cron.runs import CronRunRecord, read_cron_runs
from mission_pipeline.openclaw.cron.store import cron_jobs_path, cron_runs_dir
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.warehouse.io_manager import TableOutput

JOB_COLUMNS = [
    "job_id", "name", "schedule", "payload_kind", "session_target", "enabled", "last_run", "next_run",
    "agent_id", "last_status", "last_error", "last_duration_ms", "consecutive_errors", "schedule_json",
    "payload_json", "state_json", "job_json", "source",
]  # fmt: skip
RUN_COLUMNS = [
    "run_id", "job_id", "agent_id", "started_at", "finished_at", "status", "duration_ms", "model",
    "provider", "error", "summary", "session_id", "session_key", "delivery_status", "raw_json", "source",
]  # fmt: skip


def _snapshot(openclaw: OpenClawResource, state_dir: Path, problems: ProblemLog) -> CronSnapshot:
    config = load_config(state_dir, problems=problems)
    agents = discover_agents(state_dir, config=config, problems=problems)
    default_agent = next((a.id for a in agents if a.is_default), None)
    try:
        command, unusable = openclaw.cli_command(), None
    except OpenClawCliError as exc:  # OPENCLAW_CLI names no executable: the store still answers
        command, unusable = None, str(exc)
    snapshot = read_cron_jobs(
        state_dir,
        cli_command=command,
        problems=problems,
        jobs_path=cron_jobs_path(state_dir, config),
        default_agent_id=default_agent,
    )
    if unusable:
        snapshot.cli_error = unusable
        snapshot.detail = f"CLI unusable ({unusable}); fell back to: {snapshot.detail}"
    return snapshot


def _problems_md(problems: ProblemLog) -> dg.MetadataValue:
    return dg.MetadataValue.md("\n".join(f"- `{p}`" for p in problems.lines(20)) or "none")


def job_frame(jobs: list[CronJobRecord], source: str) -> pd.DataFrame:
    """One row per job, columns as in cron_jobs."""
    frame = pd.DataFrame([{**vars(job), "source": source} for job in jobs], columns=JOB_COLUMNS)
    for column in ("last_run", "next_run"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in ("last_duration_ms", "consecutive_errors"):
        frame[column] = frame[column].astype("Int64")
    return frame


def run_frame(runs: list[CronRunRecord]) -> pd.DataFrame:
    """One row per run, columns as in cron_job_runs."""
    frame = pd.DataFrame([vars(run) for run in runs], columns=RUN_COLUMNS)
    for column in ("started_at", "finished_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    frame["duration_ms"] = frame["duration_ms"].astype("Int64")
    return frame


@warehouse_asset(
    group_name="cron",
    kinds={"python", "postgres"},
    metadata={"write_mode": "sync", "primary_key": ["job_id"]},
    check_specs=[source_complete_spec("cron_jobs", "The cron store")],
)
def cron_jobs(context: dg.AssetExecutionContext, openclaw: OpenClawResource) -> Iterator[Any]:
    """OpenClaw's cron jobs and their status; jobs deleted in OpenClaw leave the table."""
    state_dir = require_state_dir(openclaw, "cron_jobs")
    problems = ProblemLog(base=state_dir)
    snapshot = _snapshot(openclaw, state_dir, problems)
    frame = job_frame(snapshot.jobs, snapshot.source)
    if snapshot.cli_error:
        context.log.warning(f"OpenClaw CLI: {snapshot.cli_error}")
    # A partial read (a job row that did not parse, a store that failed, no store) deletes no job.
    bounds = SyncScope(None, {})
    if not snapshot.complete:
        skipped = (
            f"; unreadable jobs: {', '.join(snapshot.skipped_job_ids)}" if snapshot.skipped_job_ids else ""
        )
        bounds = SyncScope.nothing(
            "job_id", f"the cron store was not read completely ({snapshot.detail}){skipped}"
        )
    gateway = openclaw.gateway_id
    written = bounds.qualified("job_id", gateway)
    for column in ("job_id", "agent_id"):
        frame[column] = [None if pd.isna(v) else qualify(gateway, v) for v in frame[column]]
    yield dg.Output(
        TableOutput.of(frame, sync_scope=written.scope),
        metadata={
            **where_it_ran(gateway),
            "source": snapshot.source,
            "source_detail": snapshot.detail,
            "jobs": len(frame),
            "enabled_jobs": int(frame["enabled"].sum()) if len(frame) else 0,
            "complete": snapshot.complete,
            "problems": _problems_md(problems),
        },
    )
    yield bounds.check(context)


@warehouse_asset(
    group_name="cron",
    kinds={"python", "postgres"},
    metadata={"write_mode": "upsert", "primary_key": ["gateway_id", "run_id"]},
    check_specs=[source_complete_spec("cron_job_runs", "The cron run history")],
)
def cron_job_runs(context: dg.AssetExecutionContext, openclaw: OpenClawResource) -> Iterator[Any]:
    """Cron run history, kept after OpenClaw rotates it away (token fields are not billing data)."""
    state_dir = require_state_dir(openclaw, "cron_job_runs")
    problems = ProblemLog(base=state_dir)
    runs_dir = cron_runs_dir(cron_jobs_path(state_dir, load_config(state_dir, problems=problems)))
    frame = run_frame(read_cron_runs(state_dir, problems=problems, runs_dir=runs_dir))
    frame["gateway_id"] = openclaw.gateway_id
    yield dg.Output(
        frame,
        metadata={
            **where_it_ran(openclaw.gateway_id),
            "runs": len(frame),
            "runs_by_status": frame["status"].fillna("unknown").value_counts().to_dict()
            if len(frame)
            else {},
            "problems": _problems_md(problems),
        },
    )
    # Runs are never removed; what could not be read keeps whatever an earlier read stored of it.
    yield source_complete_result(context, {p.path: p.message for p in problems})
