"""Agent discovery and workspace resolution (both config shapes, every fallback)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mission_pipeline.openclaw.agents import discover_agents
from mission_pipeline.openclaw.config import load_config
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.workspaces import scan_workspace
from mission_pipeline_tests.openclaw._support import make_writable, recorded


def _old_root(version: str) -> str:
    """The absolute location the sample was generated under (before `/state/`)."""
    return str(recorded(version, "agents-list.json")[0]["agentDir"]).split("/state/")[0]


def test_agents_match_openclaw_agents_list(copy_sample: Callable[[str], Path], sample_version: str) -> None:
    state = copy_sample(sample_version)
    problems = ProblemLog()
    agents = discover_agents(state, problems=problems, env={})
    assert not problems
    expected = sorted(recorded(sample_version, "agents-list.json"), key=lambda a: a["id"])
    old = _old_root(sample_version)
    relocated = str(state.parent)
    assert [a.id for a in agents] == [e["id"] for e in expected]
    for agent, row in zip(agents, expected, strict=True):
        assert agent.name == row["name"]
        assert agent.is_default is row["isDefault"]
        assert str(agent.workspace) == row["workspace"].replace(old, relocated, 1)
        assert agent.workspace_source == "config"
        assert str(agent.agent_dir) == row["agentDir"].replace(old, relocated, 1)
        assert agent.workspace.is_dir()


def test_folders_without_config_use_conventions(tmp_path: Path) -> None:
    for name in ("max", "main", ".hidden", "Bad Name"):
        (tmp_path / "agents" / name).mkdir(parents=True)
    agents = discover_agents(tmp_path, problems=ProblemLog(), env={})
    assert [(a.id, a.is_default, a.workspace_source) for a in agents] == [
        ("main", True, "convention"),
        ("max", False, "convention"),
    ]
    assert agents[0].workspace == tmp_path / "workspace"
    assert agents[1].workspace == tmp_path / "workspace-max"
    assert agents[1].agent_dir == tmp_path / "agents" / "max" / "agent"


def test_implicit_main_agent_when_nothing_is_configured(tmp_path: Path) -> None:
    agents = discover_agents(tmp_path, problems=ProblemLog(), env={})
    assert [(a.id, a.is_default, a.workspace) for a in agents] == [("main", True, tmp_path / "workspace")]


def _write_config(state: Path, agents: dict[str, object]) -> None:
    (state / "openclaw.json").write_text(json.dumps({"agents": agents}), encoding="utf-8")


def test_workspace_fallback_order(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _write_config(tmp_path, {"list": [{"id": "lead"}, {"id": "helper", "default": True}, {"id": "x"}]})
    env = {"HOME": str(home), "OPENCLAW_WORKSPACE_DIR": "~/from-env"}
    by_id = {a.id: a for a in discover_agents(tmp_path, problems=ProblemLog(), env=env)}
    assert by_id["helper"].is_default
    assert not by_id["lead"].is_default
    assert (by_id["helper"].workspace, by_id["helper"].workspace_source) == (home / "from-env", "env")
    assert (by_id["lead"].workspace, by_id["lead"].workspace_source) == (
        tmp_path / "workspace-lead",
        "convention",
    )
    _write_config(
        tmp_path, {"defaults": {"workspace": "~/ws"}, "entries": {"a": {}, "b": {"workspace": "rel"}}}
    )
    by_id = {a.id: a for a in discover_agents(tmp_path, problems=ProblemLog(), env=env)}
    assert (by_id["a"].workspace, by_id["a"].workspace_source) == (home / "ws", "defaults")  # default agent
    assert (by_id["b"].workspace, by_id["b"].workspace_source) == (tmp_path / "rel", "config")
    _write_config(tmp_path, {"defaults": {"workspace": "~/ws"}, "entries": {"a": {}, "c": {}}})
    by_id = {a.id: a for a in discover_agents(tmp_path, problems=ProblemLog(), env=env)}
    assert (by_id["c"].workspace, by_id["c"].workspace_source) == (home / "ws" / "c", "defaults")


def test_configured_missing_workspace_is_reported_not_guessed(
    copy_sample: Callable[[str], Path], sample_version: str
) -> None:
    state = make_writable(copy_sample(sample_version))
    shutil.rmtree(state / "workspace-dash")
    # The conventional location exists but is not what the config names: it must not be used.
    (state / "workspace-dash-guess").mkdir()
    problems = ProblemLog()
    config = load_config(state, problems=problems, env={})
    dash = next(a for a in discover_agents(state, config=config, problems=problems, env={}) if a.id == "dash")
    assert (dash.workspace, dash.workspace_source) == (state / "workspace-dash", "config")
    scan = scan_workspace(dash.id, dash.workspace, problems=problems)
    assert scan.status == "missing"
    assert scan.files == []
    assert [(p.path, p.message) for p in problems] == [
        (str(state / "workspace-dash"), "workspace of agent dash does not exist; its indexed files are kept")
    ]


def test_unmoved_sample_config_points_at_the_old_location(tmp_path: Path, sample_version: str) -> None:
    """A state dir copied without rewriting its paths: every workspace is reported missing."""
    from mission_pipeline_tests.conftest import sample_state

    if (Path(_old_root(sample_version)) / "state").exists():
        pytest.skip("this machine has the sample's original location")
    state = tmp_path / "state"
    shutil.copytree(sample_state(sample_version) / "agents", state / "agents")
    shutil.copy(sample_state(sample_version) / "openclaw.json", state / "openclaw.json")
    problems = ProblemLog()
    agents = discover_agents(state, problems=problems, env={})
    scans = [scan_workspace(a.id, a.workspace, problems=problems) for a in agents]
    assert {s.status for s in scans} == {"missing"}
    assert all(str(a.workspace).startswith(_old_root(sample_version)) for a in agents)
    assert len(problems) == 5
