"""An agent removed from OpenClaw altogether leaves agent_workspaces; unreadable ones stay."""

import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.defs.domain_support import edit_json
from mission_pipeline_tests.defs.jobs import run_job
from mission_pipeline_tests.fixtures.pipeline import PipelineResources
from mission_pipeline_tests.fixtures.postgres import query


def _agents(target: DatabaseTarget) -> list[str]:
    return [r[0] for r in query(target, "select distinct agent_id from agent_workspaces order by 1")]


def test_a_removed_agent_leaves_while_a_missing_workspace_stays(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.9.6")
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    assert _agents(pipeline_env) == ["amber", "atlas", "dash", "main", "max"]

    # amber is deleted from OpenClaw (config entry and agent folder); atlas's workspace vanishes.
    edit_json(state / "openclaw.json", lambda config: config["agents"]["entries"].pop("amber"))
    shutil.rmtree(state / "agents" / "amber")
    shutil.rmtree(state / "workspace-atlas")
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    assert _agents(pipeline_env) == ["atlas", "dash", "main", "max"]
    assert query(pipeline_env, "select count(*) from agent_workspaces where agent_id = 'atlas'") == [(9,)]


def test_an_agent_dropped_from_an_invalid_entry_keeps_its_rows(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.9.6")
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    # amber's config entry turns invalid (and it has no agents/ folder): a partial list, not a deletion.
    edit_json(state / "openclaw.json", lambda config: config["agents"]["entries"]["amber"].update(name=5))
    shutil.rmtree(state / "agents" / "amber")
    assert run_job("workspace_job", instance=instance, resources=pipeline).success
    assert _agents(pipeline_env) == ["amber", "atlas", "dash", "main", "max"]
