"""A session's trajectory: session.started, model.completed for its first calls, session.ended.

Readers must never count these: they repeat the usage of the transcript's calls.
"""

from __future__ import annotations

import json
from typing import Any

from benchmarks.generate.times import iso
from benchmarks.generate.transcript import Session
from benchmarks.templates.v5_transcripts import v5_templates
from benchmarks.templates.v9_transcripts import v9_templates


def add_trajectory(session: Session) -> None:
    """session.started, model.completed for the first calls, session.ended: the usage repeated."""
    plan = session.plan
    key = f"{plan.key}:run:{plan.sid}" if plan.kind == "cron" else plan.key
    calls = [line for line in session.lines if line.call is not None][:2]
    base = {
        "trace": plan.sid,
        "sid": plan.sid,
        "key": key,
        "run": session.run_id,
        "cwd": session.cwd,
        "model": session.model,
    }
    events: list[tuple[int, str, dict[str, Any]]] = [(plan.start_ms + 70, "session.started", {})]
    for line in calls:
        assert line.call is not None
        i, o, r, w, cost = line.call
        usage = {"input": i, "output": o, "cacheRead": r, "cacheWrite": w, "total": i + o + r + w}
        values: dict[str, Any] = {f"u_{k}": v for k, v in usage.items()} | {
            f"l_{k}": v for k, v in usage.items()
        }
        values |= {
            "s_input": i,
            "s_output": o,
            "s_cacheRead": r,
            "s_cacheWrite": w,
            "s_totalTokens": i + o + r + w,
        }
        values |= {"s_cost": cost, "s_response": json.loads(line.v5)["message"]["responseId"]}
        events.append((line.ts + 7, "model.completed", values))
    events.append((session.last_ts + 1, "session.ended", {}))
    for seq, (ts, kind, values) in enumerate(events, 1):
        v = base | values | {"ts": iso(ts), "seq": seq, "source_seq": seq}
        session.trajectory_v9.append((ts, v9_templates().trajectory[kind].render(v)))
        session.trajectory_v5.append(v5_templates().trajectory[kind].render(v))
