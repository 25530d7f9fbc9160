"""Cron in the 2026.5.28 layout: `cron/jobs.json` and each job's run log `cron/runs/<jobId>.jsonl`."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from benchmarks.generate.filler import random_text
from benchmarks.generate.times import HOUR
from benchmarks.generate.transcript import Session
from benchmarks.templates.json_text import dumps
from benchmarks.templates.store_rows import v5_cron_jobs, v5_cron_run_line

OPS_SWEEP = "Ops sweep"  # every 6 hours, one call
DAILY_DIGEST = "Daily digest"  # 07:30 UTC, two calls around a tool round trip


def job_name(session: Session) -> str:
    """Which of the two jobs a cron session ran (told apart by its calls)."""
    return OPS_SWEEP if session.plan.slots[0][2] == 1 else DAILY_DIGEST


def run_line(session: Session) -> dict[str, Any]:
    """The run-log line a cron session's run leaves, copied from a real one."""
    plan = session.plan
    line: dict[str, Any] = json.loads(v5_cron_run_line())
    calls = session.calls()
    inp = sum(c[0] for c in calls)
    out = sum(c[1] for c in calls)
    total = sum(c[0] + c[1] + c[2] + c[3] for c in calls)
    started = plan.start_ms
    line.update(
        ts=session.last_ts + 60,
        jobId=plan.job,
        sessionId=plan.sid,
        sessionKey=f"{plan.key}:run:{plan.sid}",
        runId=f"cron:{plan.job}:{started}:1",
        runAtMs=started,
        durationMs=session.last_ts + 60 - started,
        nextRunAtMs=started + 6 * HOUR,
        model=session.model,
        summary=random_text(random.Random(plan.seed), 120)[:120],  # noqa: S311
        usage={"input_tokens": inp, "output_tokens": out, "total_tokens": total},
    )
    return line


def write_cron(state: Path, jobs: dict[str, tuple[str, str]], runs: dict[str, list[dict[str, Any]]]) -> None:
    """`cron/runs/<jobId>.jsonl` (lines in time order) and `cron/jobs.json` for `jobs` (id → agent, name)."""
    folder = state / "cron" / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    job_list = []
    real_jobs = v5_cron_jobs()
    template = real_jobs["jobs"][0]
    for job, (agent, name) in sorted(jobs.items()):
        lines = sorted(runs[job], key=lambda r: r["ts"])
        (folder / f"{job}.jsonl").write_text("".join(dumps(r) + "\n" for r in lines), encoding="utf-8")
        j = json.loads(json.dumps(template))
        j.update(id=job, agentId=agent, name=name, createdAtMs=lines[0]["runAtMs"] - HOUR)
        j["schedule"] = (
            {"kind": "every", "everyMs": 6 * HOUR, "anchorMs": j["createdAtMs"]}
            if name == OPS_SWEEP
            else {"kind": "cron", "expr": "30 7 * * *", "tz": "UTC"}
        )
        job_list.append(j)
    (state / "cron" / "jobs.json").write_text(
        json.dumps({"version": real_jobs.get("version", 1), "jobs": job_list}, indent=2), encoding="utf-8"
    )
