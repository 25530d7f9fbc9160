"""The whole history: plan every agent's sessions, build each once, write it to both layouts, count it."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.generate.config import config_agents
from benchmarks.generate.jsonl_layout import JsonlWriter
from benchmarks.generate.manifest import Manifest, Totals
from benchmarks.generate.plan import iter_plans
from benchmarks.generate.scale import Scale, scale_key
from benchmarks.generate.session import build_session, restrict
from benchmarks.generate.sqlite_layout import SqliteWriter
from benchmarks.generate.times import DAY, day_ms, utc_day
from benchmarks.generate.transcript import Session
from benchmarks.generate.vocabulary import agent_ids, primary_model
from benchmarks.generate.workspaces import copy_sample_workspaces, generate_workspace


def generate(
    root: Path, scale: Scale, *, only_day: date | None = None, workspace: Path | None = None
) -> Manifest:
    """Write `root/sqlite/state`, `root/jsonl/state` (and the workspace unless given); return the manifest."""
    started = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    agents = agent_ids(scale.agents)
    ws = workspace or root / "workspace"
    ws_stats: dict[str, Any] = {}
    if workspace is None:
        ws_stats = generate_workspace(ws, scale.files, scale)
    sqlite_state, jsonl_state = root / "sqlite" / "state", root / "jsonl" / "state"
    for state in (sqlite_state, jsonl_state):
        if state.exists():
            shutil.rmtree(state)
    sw = SqliteWriter(sqlite_state, scale, ws, agents)
    jw = JsonlWriter(jsonl_state, agents, ws)
    totals, in_events = Totals(), Totals()
    sessions = deleted = lines = 0
    day_lo = day_ms(only_day) if only_day else None
    for plans in iter_plans(scale):
        agent = plans[0].agent if plans else None
        if agent is None:
            continue
        sw.open(agent)
        primary = primary_model(agents.index(agent))
        for plan in plans:
            # "That day alone" skips sessions that cannot hold a line of it before building them.
            if day_lo is not None and (plan.end_ms < day_lo - DAY or plan.start_ms >= day_lo + DAY):
                continue
            session: Session | None = build_session(plan, sw.cwd[agent], primary)
            if only_day is not None:
                session = restrict(session, only_day) if session else None
                if session is None:
                    continue
            assert session is not None
            sessions += 1
            deleted += plan.deleted_at is not None
            lines += len(session.lines)
            for line in session.lines:
                if line.call is not None:
                    day = utc_day(line.ts)
                    totals.add(agent, day, line.call)
                    if plan.deleted_at is None:
                        in_events.add(agent, day, line.call)
            sw.write(session)
            jw.write(session)
        sw.close()
    jw.finish(agents, config_agents(jsonl_state, agents, ws))
    sw.finish(config_agents(sqlite_state, agents, ws))
    copy_sample_workspaces(sqlite_state, agents)
    copy_sample_workspaces(jsonl_state, agents)
    manifest = Manifest(
        scale=scale_key(scale),
        first_day=scale.first_day.isoformat(),
        last_day=scale.last_day.isoformat(),
        only_day=only_day.isoformat() if only_day else None,
        agents=agents,
        totals=totals.as_json(),
        totals_in_events=in_events.as_json(),
        stats={
            "sessions": sessions,
            "deleted_sessions": deleted,
            "transcript_lines": lines,
            "sqlite_rows": sw.rows,
            "sqlite_row_bytes": sw.bytes,
            "sqlite_zstd_rows": sw.zstd_rows,
            "sqlite_archives": sw.archives,
            "jsonl_files": jw.files,
            "jsonl_transcript_files": len(jw.counted),
            "jsonl_transcript_bytes": jw.bytes,
            "workspace": ws_stats,
            "workspace_path": str(ws),
            "generate_seconds": round(time.perf_counter() - started, 1),
        },
    )
    manifest.save(root)
    return manifest
