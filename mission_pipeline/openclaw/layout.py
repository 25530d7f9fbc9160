"""Where each of OpenClaw's stores sits inside a state directory, by convention.

The cron store can be moved by configuration (`cron.store`): see `cron.store`. An agent's folder can
be moved too (`agentDir`, see `agents.AgentInfo`); the usage readers look in the conventional place,
as they always have.
"""

from __future__ import annotations

from pathlib import Path

AGENT_DATABASE_NAME = "openclaw-agent.sqlite"


def state_db_path(state_dir: Path) -> Path:
    """The global SQLite store of OpenClaw ≥ 2026.6 (cron jobs, task runs)."""
    return state_dir / "state" / "openclaw.sqlite"


def agent_folder(state_dir: Path, agent_id: str) -> Path:
    """`agents/<id>/`: an agent's sessions folder and its agent dir sit in it."""
    return state_dir / "agents" / agent_id


def default_agent_dir(state_dir: Path, agent_id: str) -> Path:
    """An agent's dir when `agentDir` does not move it (auth profiles, models, its database)."""
    return agent_folder(state_dir, agent_id) / "agent"


def agent_database(agent_dir: Path) -> Path:
    """Where OpenClaw ≥ 2026.7.2 keeps an agent's sessions and transcripts, in its agent dir."""
    return agent_dir / AGENT_DATABASE_NAME


def agent_db_path(state_dir: Path, agent_id: str) -> Path:
    """The agent database in the agent's conventional dir."""
    return agent_database(default_agent_dir(state_dir, agent_id))


def sessions_dir(state_dir: Path, agent_id: str) -> Path:
    """An agent's `sessions/` folder (the whole store before 2026.7.2; archives after)."""
    return agent_folder(state_dir, agent_id) / "sessions"
