"""The file index of each agent's workspace."""

from collections.abc import Iterator
from typing import Any

import dagster as dg
import numpy as np
import pandas as pd

from mission_pipeline.defs.gateway import where_it_ran
from mission_pipeline.defs.resources import OpenClawResource, require_state_dir
from mission_pipeline.defs.retries import warehouse_asset
from mission_pipeline.defs.sync_scope import SyncScope, agent_sync_scope, source_complete_spec
from mission_pipeline.gateways import qualify
from mission_pipeline.openclaw.agents import discover_agents_checked
from mission_pipeline.openclaw.config import OpenClawConfig, load_config
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.workspaces import WorkspaceScan, scan_workspace
from mission_pipeline.warehouse.io_manager import TableOutput

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


def sync_bounds(scans: list[WorkspaceScan], config: OpenClawConfig, agents_complete: bool) -> SyncScope:
    """What this run may remove: only agents whose workspace was scanned completely.

    A missing or half-readable workspace keeps its rows. Without a readable openclaw.json every
    workspace path is a guess, so nothing is removed. An agent OpenClaw no longer has at all leaves
    the table, but only when the agent list itself is complete.
    """
    if not config.valid:
        return SyncScope.nothing("agent_id", f"{config.path} is not valid: workspace paths are guesses")
    unread = {
        s.agent_id: f"workspace {s.root} is {s.status}" + ("" if s.complete else " (partly unreadable)")
        for s in scans
        if not (s.status == "ok" and s.complete)
    }
    partial = None
    if not agents_complete:
        partial = "agents/ could not be listed"
    elif not config.complete:
        partial = f"an agent entry of {config.path} is invalid"
    return agent_sync_scope("agent_id", [s.agent_id for s in scans], unread, agent_list_complete=partial)


@warehouse_asset(
    group_name="workspaces",
    kinds={"python", "postgres"},
    metadata={"write_mode": "sync", "primary_key": ["agent_id", "file_path"]},
    check_specs=[source_complete_spec("agent_workspaces", "Every agent's workspace")],
)
def agent_workspaces(context: dg.AssetExecutionContext, openclaw: OpenClawResource) -> Iterator[Any]:
    """Files of every agent workspace, 3 levels deep; files that disappeared leave the table."""
    state_dir = require_state_dir(openclaw, "agent_workspaces")
    problems = ProblemLog(base=state_dir)
    config = load_config(state_dir, problems=problems)
    agents, agents_complete = discover_agents_checked(state_dir, config=config, problems=problems)
    scans = [
        scan_workspace(agent.id, agent.workspace, max_depth=MAX_DEPTH, problems=problems) for agent in agents
    ]
    gateway = openclaw.gateway_id
    # Read and reported with OpenClaw's agent ids; written with the ids the dashboard tables use.
    bounds = sync_bounds(scans, config, agents_complete)
    written = bounds.qualified("agent_id", gateway)
    files = workspace_frame(scans)
    files["agent_id"] = [qualify(gateway, agent) for agent in files["agent_id"]]
    summary = scan_summary(scans)
    yield dg.Output(
        TableOutput.of(files, sync_scope=written.scope, sync_exclude=written.exclude),
        metadata={
            **where_it_ran(gateway),
            "workspaces": dg.MetadataValue.md(
                summary.to_markdown(index=False) if len(summary) else "no agents"
            ),
            "files_by_agent": dict(zip(summary["agent_id"], summary["files"].astype(int), strict=True)),
            "bytes_by_agent": dict(zip(summary["agent_id"], summary["bytes"].astype(int), strict=True)),
            "total_files": int(summary["files"].sum()) if len(summary) else 0,
            "config_valid": config.valid,
            "synced_agents": bounds.synced("agent_id", [s.agent_id for s in scans]),
            "problems": dg.MetadataValue.md("\n".join(f"- `{p}`" for p in problems.lines(20)) or "none"),
        },
    )
    yield bounds.check(context)
