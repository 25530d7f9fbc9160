"""The 2026.5.28 file layout of one state dir (`jsonl/state`).

`agents/<id>/sessions/<sid>.jsonl` (live), superseded sessions as `<sid>.jsonl.reset.<ISO>`, deleted
ones as `<sid>.jsonl.deleted.<ISO>`, a `<sid>.trajectory.jsonl` (+ `.trajectory-path.json`) beside every
session that is not deleted, `sessions.json`, `cron/jobs.json` and `cron/runs/<jobId>.jsonl`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.generate.config import agent_workspaces, write_v5_config
from benchmarks.generate.cron import job_name, run_line, write_cron
from benchmarks.generate.files import write_stamped
from benchmarks.generate.times import iso_dashes
from benchmarks.generate.transcript import Session
from benchmarks.templates.store_rows import v5_session_entry


class JsonlWriter:
    """The 2026.5.28 file layout of one state dir."""

    def __init__(self, state: Path, agents: list[str], workspace: Path) -> None:
        self.state = state
        self.current: dict[tuple[str, str], Session] = {}  # (agent, key) → its latest session
        self.cron_runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.jobs: dict[str, tuple[str, str]] = {}  # job id → (agent, name)
        self.files = 0
        self.bytes = 0
        self.counted: list[str] = []  # the transcripts a reader must count (relative paths)
        for agent in agents:
            (state / "agents" / agent / "sessions").mkdir(parents=True, exist_ok=True)
        self.cwd = agent_workspaces(state, agents, workspace)

    def write(self, session: Session) -> None:
        """The session's transcript file (live, reset or deleted), its trajectory files and cron run."""
        plan = session.plan
        folder = self.state / "agents" / plan.agent / "sessions"
        if plan.deleted_at is not None:
            name = f"{plan.sid}.jsonl.deleted.{iso_dashes(plan.deleted_at)}"
        elif plan.reset_at is not None:
            name = f"{plan.sid}.jsonl.reset.{iso_dashes(plan.reset_at)}"
        else:
            name = f"{plan.sid}.jsonl"
        data = ("\n".join(line.v5 for line in session.lines if line.v5) + "\n").encode()
        write_stamped(folder / name, data, session.last_ts)
        self.counted.append(str((folder / name).relative_to(self.state)))
        self.files += 1
        self.bytes += len(data)
        if plan.deleted_at is None:
            self._trajectory(folder, session)
            self.files += 2
            self.current[(plan.agent, plan.key)] = session
        if plan.kind == "cron" and plan.job:
            self.jobs[plan.job] = (plan.agent, job_name(session))
            self.cron_runs[plan.job].append(run_line(session))

    def _trajectory(self, folder: Path, session: Session) -> None:
        """`<sid>.trajectory.jsonl` and the `<sid>.trajectory-path.json` pointer to it."""
        plan = session.plan
        trajectory = ("\n".join(session.trajectory_v5) + "\n").encode()
        write_stamped(folder / f"{plan.sid}.trajectory.jsonl", trajectory, session.last_ts + 1)
        pointer = {
            "traceSchema": "openclaw-trajectory-pointer",
            "schemaVersion": 1,
            "sessionId": plan.sid,
            "runtimeFile": str(folder / f"{plan.sid}.trajectory.jsonl"),
        }
        write_stamped(
            folder / f"{plan.sid}.trajectory-path.json",
            json.dumps(pointer, indent=2).encode(),
            plan.start_ms + 70,
        )

    def finish(self, agents: list[str], config_agents: list[dict[str, Any]]) -> None:
        """Every agent's `sessions.json`, the cron files and `openclaw.json`."""
        entry = v5_session_entry()
        stores: dict[str, dict[str, Any]] = defaultdict(dict)
        for (agent, key), session in sorted(self.current.items(), key=lambda kv: kv[1].plan.start_ms):
            plan = session.plan
            e = dict(entry)
            e.update(
                sessionId=plan.sid,
                updatedAt=session.last_ts + 20,
                sessionStartedAt=plan.start_ms,
                lastInteractionAt=session.last_ts,
                model=session.model,
                sessionFile=str(self.state / "agents" / agent / "sessions" / f"{plan.sid}.jsonl"),
            )
            stores[agent][key] = e
        for agent in agents:
            path = self.state / "agents" / agent / "sessions" / "sessions.json"
            path.write_text(json.dumps(stores.get(agent, {}), indent=2, ensure_ascii=False), encoding="utf-8")
        write_cron(self.state, self.jobs, self.cron_runs)
        write_v5_config(self.state, config_agents)
