"""An agent removed from OpenClaw altogether leaves agent_workspaces; unreadable ones stay."""

import shutil

from mission_pipeline_tests.defs.domain_support import edit_json
from mission_pipeline_tests.defs.project import ProjectRuns


def _agents(project: ProjectRuns) -> list[str]:
    return [r[0] for r in project.query("select distinct agent_id from agent_workspaces order by 1")]


def test_a_removed_agent_leaves_while_a_missing_workspace_stays(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.9.6")
    assert project.run("workspace_job").success
    assert _agents(project) == ["amber", "atlas", "dash", "main", "max"]

    # amber is deleted from OpenClaw (config entry and agent folder); atlas's workspace vanishes.
    edit_json(state / "openclaw.json", lambda config: config["agents"]["entries"].pop("amber"))
    shutil.rmtree(state / "agents" / "amber")
    shutil.rmtree(state / "workspace-atlas")
    assert project.run("workspace_job").success
    assert _agents(project) == ["atlas", "dash", "main", "max"]
    assert project.query("select count(*) from agent_workspaces where agent_id = 'atlas'") == [(9,)]


def test_an_agent_dropped_from_an_invalid_entry_keeps_its_rows(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.9.6")
    assert project.run("workspace_job").success
    # amber's config entry turns invalid (and it has no agents/ folder): a partial list, not a deletion.
    edit_json(state / "openclaw.json", lambda config: config["agents"]["entries"]["amber"].update(name=5))
    shutil.rmtree(state / "agents" / "amber")
    assert project.run("workspace_job").success
    assert _agents(project) == ["amber", "atlas", "dash", "main", "max"]
