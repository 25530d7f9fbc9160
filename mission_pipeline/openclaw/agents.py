"""Which agents exist and where their workspaces are, resolved as OpenClaw does (`agent-scope.ts`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mission_pipeline.openclaw.config import AgentEntry, OpenClawConfig, load_config
from mission_pipeline.openclaw.layout import agent_database, default_agent_dir
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.state_check import agent_folder_names
from mission_pipeline.openclaw.state_dir import expand_path

WorkspaceSource = Literal["config", "defaults", "env", "convention"]
DEFAULT_AGENT_ID = "main"


@dataclass(frozen=True)
class AgentInfo:
    """One agent: its id, display name, whether it is the default, and its resolved folders."""

    id: str
    name: str | None
    is_default: bool
    workspace: Path
    workspace_source: WorkspaceSource
    agent_dir: Path  # `agentDir` of its config entry, else `agents/<id>/agent`

    @property
    def database(self) -> Path:
        """Where OpenClaw ≥ 2026.7.2 keeps this agent's sessions and transcripts."""
        return agent_database(self.agent_dir)


def discover_agents(
    state_dir: Path,
    *,
    config: OpenClawConfig | None = None,
    problems: ProblemLog,
    env: Mapping[str, str] | None = None,
) -> list[AgentInfo]:
    """All agents (configured entries and `agents/<id>/` folders), sorted by id."""
    return discover_agents_checked(state_dir, config=config, problems=problems, env=env)[0]


def discover_agents_checked(
    state_dir: Path,
    *,
    config: OpenClawConfig | None = None,
    problems: ProblemLog,
    env: Mapping[str, str] | None = None,
) -> tuple[list[AgentInfo], bool]:
    """The agents, and whether the list is complete (False when `agents/` could not be listed).

    A caller that deletes what an absent agent left behind must only do so on a complete list.
    """
    env = os.environ if env is None else env
    if config is None:
        config = load_config(state_dir, problems=problems, env=env)
    entries = {entry.id: entry for entry in config.agents}
    folders = _agent_folders(state_dir, problems)
    ids = set(entries) | (folders or set())
    if not entries and state_dir.is_dir():
        ids.add(DEFAULT_AGENT_ID)  # OpenClaw's implicit agent when none is configured
    default_id = _default_agent_id(config)
    agents = [
        _agent(agent_id, entries.get(agent_id), agent_id == default_id, state_dir, config, env)
        for agent_id in sorted(ids)
    ]
    return agents, folders is not None


def _default_agent_id(config: OpenClawConfig) -> str:
    marked = [entry.id for entry in config.agents if entry.default]
    if marked:
        return marked[0]  # OpenClaw warns about several defaults and uses the first
    return config.agents[0].id if config.agents else DEFAULT_AGENT_ID


def _agent(
    agent_id: str,
    entry: AgentEntry | None,
    is_default: bool,
    state_dir: Path,
    config: OpenClawConfig,
    env: Mapping[str, str],
) -> AgentInfo:
    workspace, source = _workspace(agent_id, entry, is_default, state_dir, config, env)
    agent_dir = (
        expand_path(entry.agent_dir, env, base=state_dir)
        if entry is not None and entry.agent_dir
        else default_agent_dir(state_dir, agent_id)
    )
    name = entry.name if entry is not None and entry.name else _identity_name(entry)
    return AgentInfo(agent_id, name, is_default, workspace, source, agent_dir)


def _workspace(
    agent_id: str,
    entry: AgentEntry | None,
    is_default: bool,
    state_dir: Path,
    config: OpenClawConfig,
    env: Mapping[str, str],
) -> tuple[Path, WorkspaceSource]:
    # Relative paths are anchored at the state dir: OpenClaw uses its own cwd, which we cannot know.
    if entry is not None and entry.workspace and entry.workspace.strip():
        return expand_path(entry.workspace, env, base=state_dir), "config"
    shared = config.defaults.workspace.strip() if config.defaults.workspace else ""
    if is_default:
        if shared:
            return expand_path(shared, env, base=state_dir), "defaults"
        from_env = env.get("OPENCLAW_WORKSPACE_DIR", "").strip()
        if from_env:
            return expand_path(from_env, env, base=state_dir), "env"
        return state_dir / "workspace", "convention"
    if shared:
        return expand_path(shared, env, base=state_dir) / agent_id, "defaults"
    return state_dir / f"workspace-{agent_id}", "convention"


def _identity_name(entry: AgentEntry | None) -> str | None:
    identity = (entry.model_extra or {}).get("identity") if entry is not None else None
    name = identity.get("name") if isinstance(identity, dict) else None
    return name if isinstance(name, str) and name.strip() else None


def _agent_folders(state_dir: Path, problems: ProblemLog) -> set[str] | None:
    """Agent ids with a folder; None when `agents/` exists but cannot be listed."""
    root = state_dir / "agents"
    try:
        return agent_folder_names(root)
    except FileNotFoundError:
        return set()
    except OSError as exc:
        problems.add(root, f"cannot list agent folders: {exc.strerror or exc}")
        return None
