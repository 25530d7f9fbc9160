"""The file index of each agent's workspace."""

import dagster as dg
import numpy as np
import pandas as pd

from mission_pipeline.defs.resources import DATABASE_RETRY, OpenClawResource
from mission_pipeline.openclaw.agents import discover_agents_checked
from mission_pipeline.openclaw.config import OpenClawConfig, load_config
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.workspaces import WorkspaceScan, scan_workspace
from mission_pipeline.warehouse.table_output import TableOutput

MAX_DEPTH = 3
FILE_COLUMNS = ["agent_id", "file_path", "size_bytes", "modified_at"]


def workspace_frame(scans: list[WorkspaceScan]) -> pd.DataFrame:
    """Every indexed file of every scan, columns as in agent_workspaces."""
    files = [f for s in scans for f in s.files]
    # Times to whole microseconds (what the table keeps), straight into datetime64 (int64 min is NaT):
    # exact over years 1..9999, and no Python datetime per file.
    nat = np.iinfo(np.int64).min
    mtimes = np.array([nat if f.mtime_ns is None else f.mtime_ns // 1000 for f in files], dtype=np.int64)
    return pd.DataFrame(
        {
            "agent_id": pd.Series([f.agent_id for f in files], dtype=str),
            "file_path": pd.Series([f.file_path for f in files], dtype=str),
            "size_bytes": np.array([f.size_bytes for f in files], dtype=np.int64),
            "modified_at": pd.DatetimeIndex(mtimes.view("datetime64[us]")).tz_localize("UTC"),
        },
        columns=FILE_COLUMNS,
    )


def scan_summary(scans: list[WorkspaceScan]) -> pd.DataFrame:
    """Files and bytes per agent, with the scan's status."""
    return pd.DataFrame(
        [
            {
                "agent_id": s.agent_id,
                "status": s.status if s.complete else f"{s.status} (partial)",
                "files": len(s.files),
                "bytes": sum(f.size_bytes for f in s.files),
                "workspace": str(s.root),
            }
            for s in scans
        ],
        columns=["agent_id", "status", "files", "bytes", "workspace"],
    )


def sync_bounds(
    context: dg.AssetExecutionContext,
    scans: list[WorkspaceScan],
    config: OpenClawConfig,
    agents_complete: bool,
) -> tuple[dict[str, list[str]] | None, dict[str, list[str]]]:
    """(scope, exclude) of this run's deletions, with the agents left alone reported.

    Only a complete scan may remove rows: a missing or half-readable workspace keeps what it had.
    An agent OpenClaw no longer has at all is outside both lists, so its rows leave the table.
    """
    kept = [s.agent_id for s in scans if not (s.status == "ok" and s.complete)]
    for scan in scans:
        if scan.agent_id in kept:
            partly = "" if scan.complete else " (partly unreadable)"
            context.log.warning(
                f"workspace of {scan.agent_id} ({scan.root}) is {scan.status}{partly}: its rows are kept"
            )
    if not config.valid:
        # Without a readable openclaw.json every workspace path is a guess: index, but delete nothing.
        context.log.warning(f"{config.path} is not valid: workspace paths are guessed, no row is removed")
        return {"agent_id": []}, {}
    if not (agents_complete and config.complete):
        # An agent missing from a failed listing (or a dropped config entry) is not a deleted agent.
        context.log.warning("the agent list is partial: only the scanned agents are synced")
        synced = [s.agent_id for s in scans if s.agent_id not in kept]
        return {"agent_id": synced}, {}
    return None, {"agent_id": kept}


@dg.asset(
    group_name="workspaces",
    retry_policy=DATABASE_RETRY,
    kinds={"python", "postgres"},
    metadata={"write_mode": "sync", "primary_key": ["agent_id", "file_path"]},
)
def agent_workspaces(context: dg.AssetExecutionContext, openclaw: OpenClawResource) -> dg.Output[TableOutput]:
    """Files of every agent workspace, 3 levels deep; files that disappeared leave the table."""
    state_dir = openclaw.state_dir()
    if not state_dir.is_dir():
        raise dg.Failure(
            description=f"OpenClaw state directory {state_dir} does not exist; agent_workspaces left as is",
            allow_retries=False,  # the retry policy is for the database; retrying cannot fix a path
        )
    problems = ProblemLog(base=state_dir)
    config = load_config(state_dir, problems=problems)
    agents, agents_complete = discover_agents_checked(state_dir, config=config, problems=problems)
    scans = [
        scan_workspace(agent.id, agent.workspace, max_depth=MAX_DEPTH, problems=problems) for agent in agents
    ]
    scope, exclude = sync_bounds(context, scans, config, agents_complete)
    kept = set(exclude.get("agent_id", []))
    synced = [s.agent_id for s in scans if s.agent_id not in kept] if scope is None else scope["agent_id"]
    summary = scan_summary(scans)
    return dg.Output(
        TableOutput.of(workspace_frame(scans), sync_scope=scope, sync_exclude=exclude),
        metadata={
            "workspaces": dg.MetadataValue.md(
                summary.to_markdown(index=False) if len(summary) else "no agents"
            ),
            "files_by_agent": dict(zip(summary["agent_id"], summary["files"].astype(int), strict=True)),
            "bytes_by_agent": dict(zip(summary["agent_id"], summary["bytes"].astype(int), strict=True)),
            "total_files": int(summary["files"].sum()) if len(summary) else 0,
            "config_valid": config.valid,
            "synced_agents": synced,
            "problems": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in problems.lines(20)) or "none"),
        },
    )
