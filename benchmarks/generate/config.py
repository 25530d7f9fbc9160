"""The agents' entries in `openclaw.json` (each version's shape) and where their workspaces are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.generate.vocabulary import primary_model
from benchmarks.templates.store_rows import config


def agent_workspaces(state: Path, agents: list[str], workspace: Path) -> dict[str, str]:
    """Each agent's workspace: the generated one for the first agent, a copied sample for the others."""
    return {
        agent: str(workspace if i == 0 else state / f"workspace-{agent}") for i, agent in enumerate(agents)
    }


def config_agents(state: Path, agents: list[str], workspace: Path) -> list[dict[str, Any]]:
    """The `agents.list` of a 2026.5.28 `openclaw.json`, each agent copied from a real one."""
    real = config("2026.5.28")["agents"]["list"]
    places = agent_workspaces(state, agents, workspace)
    out = []
    for i, agent in enumerate(agents):
        a = json.loads(json.dumps(real[i % len(real)]))
        a["id"] = agent
        a["name"] = agent.capitalize()
        a["workspace"] = places[agent]
        a["model"] = f"anthropic/{primary_model(i)}"
        a.pop("default", None)
        if i == 0:
            a["default"] = True
        out.append(a)
    return out


def write_v5_config(state: Path, agents: list[dict[str, Any]]) -> None:
    """`openclaw.json` of 2026.5.28: the agents as a list."""
    data = config("2026.5.28")
    data["agents"]["list"] = agents
    _write_config(state, data)


def write_v9_config(state: Path, agents: list[dict[str, Any]]) -> None:
    """`openclaw.json` of 2026.9.6: the agents as `entries` keyed by id (no `default` flag)."""
    data = config("2026.9.6")
    entries = {}
    for agent in agents:
        a = dict(agent)
        entries[a.pop("id")] = {k: v for k, v in a.items() if k != "default"}
    data["agents"]["entries"] = entries
    _write_config(state, data)


def _write_config(state: Path, data: dict[str, Any]) -> None:
    (state / "openclaw.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
