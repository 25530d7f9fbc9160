"""Cron run history from every era: `task_runs` (2026.9), `cron_run_logs` (2026.6), `cron/runs/*.jsonl`.

`run_id` = `<jobId>:<start ms>` (`runAtMs`, else the task's `started_at`, else the finish `ts`): fields
every era writes, kept verbatim by `doctor --fix` imports, so a run read from two stores, or re-read after
OpenClaw prunes or migrates its log, keeps one id; a job never runs twice at once, so a start ms does not
repeat within a job. OpenClaw's own `runId` is missing from older logs, so it cannot be the key. Token
counts stay in `raw_json` only: they are snapshots, not billing data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from mission_pipeline.openclaw.cron.store import cron_runs_dir, default_jobs_path
from mission_pipeline.openclaw.layout import state_db_path
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sqlite_files import connect_readonly, table_columns
from mission_pipeline.openclaw.state_dir import json_object
from mission_pipeline.openclaw.values import agent_of_session_key, epoch_ms_to_utc, is_number, nonempty_str

# task_runs.status words mapped to the run-log words (ok/error/skipped) used by the older stores.
_TASK_STATUS = {"succeeded": "ok", "failed": "error", "timed_out": "error", "lost": "error"}


@dataclass(frozen=True)
class CronRunRecord:
    """One finished (or still running) cron run."""

    run_id: str
    job_id: str
    agent_id: str | None
    started_at: datetime | None
    finished_at: datetime | None
    status: str | None
    duration_ms: int | None
    model: str | None
    provider: str | None
    error: str | None
    summary: str | None
    session_id: str | None
    session_key: str | None
    delivery_status: str | None
    raw_json: dict[str, Any]
    source: str


def read_cron_runs(
    state_dir: Path,
    *,
    problems: ProblemLog,
    runs_dir: Path | None = None,
    job_agents: Mapping[str, str | None] | None = None,
) -> list[CronRunRecord]:
    """Every cron run in the state dir, one record per `run_id` (SQLite rows win over log files)."""
    found: dict[str, CronRunRecord] = {}
    for record in _from_sqlite(state_db_path(state_dir), problems):
        found.setdefault(record.run_id, record)
    for record in _from_files(runs_dir or cron_runs_dir(default_jobs_path(state_dir)), problems):
        found.setdefault(record.run_id, record)
    if job_agents:  # file-era lines name no agent; the job does
        for run_id, rec in found.items():
            if rec.agent_id is None and job_agents.get(rec.job_id):
                found[run_id] = replace(rec, agent_id=job_agents[rec.job_id])
    return list(found.values())


def _from_sqlite(db: Path, problems: ProblemLog) -> Iterator[CronRunRecord]:
    if not db.is_file():
        return
    try:
        # Strict text: a value that is not UTF-8 fails this read, reported, and stored runs are kept.
        with closing(connect_readonly(db, text_factory=str, named_rows=True)) as conn:
            has_tasks = "runtime" in table_columns(conn, "task_runs")
            has_logs = "entry_json" in table_columns(conn, "cron_run_logs")
            cron_tasks = "SELECT * FROM task_runs WHERE runtime = 'cron' ORDER BY rowid"
            tasks = conn.execute(cron_tasks).fetchall() if has_tasks else []
            logs = conn.execute("SELECT * FROM cron_run_logs ORDER BY rowid").fetchall() if has_logs else []
    except sqlite3.Error as exc:
        problems.add(db, f"cannot read cron run history: {exc}")
        return
    for row in tasks:
        raw = dict(row)
        detail = json_object(raw.get("detail_json"))
        if raw.get("detail_json") and detail is None:
            problems.add(db, "task_runs.detail_json is not a JSON object", row=str(raw.get("task_id")))
        raw["detail_json"] = detail
        # detail_json is the run-log entry; the columns fill in what it lacks.
        entry = {
            "jobId": raw.get("source_id"),
            "agentId": raw.get("agent_id"),
            "runAtMs": raw.get("started_at"),
            "ts": raw.get("ended_at"),
            "status": _TASK_STATUS.get(raw.get("status") or "", raw.get("status")),
            "error": raw.get("error"),
            "summary": raw.get("terminal_summary"),
            "sessionKey": raw.get("child_session_key"),
            **{k: v for k, v in (detail or {}).items() if v is not None},
        }
        yield from _record(entry, raw, "sqlite:task_runs", db, str(raw.get("task_id")), problems)
    for row in logs:
        cols = dict(row)
        log = json_object(cols.get("entry_json"))
        where = f"{cols.get('job_id')}#{cols.get('seq')}"
        if log is None:
            problems.add(db, "cron_run_logs.entry_json is not a JSON object", row=where)
            continue
        log.setdefault("jobId", cols.get("job_id"))
        yield from _record(log, log, "sqlite:cron_run_logs", db, where, problems)


def _from_files(runs_dir: Path, problems: ProblemLog) -> Iterator[CronRunRecord]:
    try:
        files = sorted(p for p in runs_dir.iterdir() if p.name.endswith(".jsonl"))
    except FileNotFoundError:
        return
    except OSError as exc:
        problems.add(runs_dir, f"cannot list run logs: {exc.strerror or exc}")
        return
    for path in files:
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                lines = list(handle)
        except OSError as exc:
            problems.add(path, f"cannot read run log: {exc.strerror or exc}")
            continue
        for number, line in enumerate(lines, start=1):
            entry = json_object(line) if line.strip() else {}
            if entry is None:
                problems.add(path, "run log line is not a JSON object", line=number)
            if not entry:
                continue
            entry.setdefault("jobId", path.name.removesuffix(".jsonl"))
            yield from _record(entry, entry, "files", path, f"line {number}", problems)


def _record(
    entry: dict[str, Any], raw: dict[str, Any], source: str, where: Path, row: str, problems: ProblemLog
) -> Iterator[CronRunRecord]:
    job_id = nonempty_str(entry.get("jobId"))
    start = _num(entry.get("runAtMs"))
    end = _num(entry.get("ts"))
    key = start if start is not None else end
    if job_id is None or key is None:
        problems.add(where, "cron run without job id or time skipped", row=row)
        return
    duration = _num(entry.get("durationMs"))
    if duration is None and start is not None and end is not None:
        duration = end - start
    session_key = nonempty_str(entry.get("sessionKey"))
    yield CronRunRecord(
        run_id=f"{job_id}:{int(key)}",
        job_id=job_id,
        agent_id=nonempty_str(entry.get("agentId")) or agent_of_session_key(session_key),
        started_at=epoch_ms_to_utc(start),
        finished_at=epoch_ms_to_utc(end),
        status=nonempty_str(entry.get("status")),
        duration_ms=int(duration) if duration is not None else None,
        model=nonempty_str(entry.get("model")),
        provider=nonempty_str(entry.get("provider")),
        error=_text(entry.get("error")),
        summary=nonempty_str(entry.get("summary")),
        session_id=nonempty_str(entry.get("sessionId")),
        session_key=session_key,
        delivery_status=nonempty_str(entry.get("deliveryStatus")),
        raw_json=raw,
        source=source,
    )


def _text(value: Any) -> str | None:
    # Errors are usually strings, but a structured one must not be dropped.
    if value is None or isinstance(value, str):
        return nonempty_str(value)
    return json.dumps(value, ensure_ascii=False)


def _num(value: Any) -> float | None:
    try:
        return float(value) if is_number(value) else None
    except OverflowError:  # an int beyond any float
        return None
