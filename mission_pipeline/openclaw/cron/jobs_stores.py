"""Cron jobs from OpenClaw's own stores: the SQLite table (2026.7.2 on), else the legacy JSON files."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from mission_pipeline.openclaw.cron.schedule import job_record
from mission_pipeline.openclaw.cron.snapshot import CronSnapshot
from mission_pipeline.openclaw.cron.store import cron_state_path
from mission_pipeline.openclaw.layout import state_db_path
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sqlite_files import connect_readonly, table_columns
from mission_pipeline.openclaw.state_dir import json_object, load_json_file, pick_store_key


def jobs_from_sqlite(
    state_dir: Path, jobs_path: Path, problems: ProblemLog, default_agent_id: str | None
) -> CronSnapshot | None:
    """The jobs of `state/openclaw.sqlite` (None when it has no cron_jobs table); raises sqlite3.Error."""
    db = state_db_path(state_dir)
    if not db.is_file():
        return None
    try:
        # A row that is not UTF-8 costs that row (json_object rejects bytes), not the store.
        with closing(connect_readonly(db, text_factory=_text_or_bytes, named_rows=True)) as conn:
            columns = table_columns(conn, "cron_jobs")
            if not columns:
                return None
            order = "sort_order, job_id" if "sort_order" in columns else "job_id"
            rows = [dict(row) for row in conn.execute(f"SELECT * FROM cron_jobs ORDER BY {order}")]
    except sqlite3.Error as exc:
        problems.add(db, f"cannot read cron_jobs: {exc}")
        raise
    keyed = [(r.get("store_key"), r.get("updated_at")) for r in rows]
    key, note = pick_store_key(keyed, jobs_path, db, problems)
    rows = [row for row in rows if str(row.get("store_key") or "") == key]
    snapshot = CronSnapshot("sqlite", f"{db}: table cron_jobs, {len(rows)} rows{note}")
    for row in rows:
        job_id, job = row.get("job_id"), json_object(row.get("job_json"))
        if job is None:
            problems.add(
                db, "cron_jobs row: job_json is not a UTF-8 JSON object; job skipped", row=str(job_id)
            )
            snapshot.add(None, {"id": job_id})
            continue
        state = json_object(row.get("state_json", "{}"))
        if state is None:
            # Like a state of the wrong type: the runtime columns are lost, not the job.
            problems.add(
                db, "cron_jobs row: state_json is not a UTF-8 JSON object; state ignored", row=str(job_id)
            )
            state = {}
        # job_json keeps an empty `state`; the live runtime state sits in its own column.
        inline = _inline_state(job, db, str(job_id), problems)
        merged = {**inline, **state}
        record = job_record(job, merged, str(db), str(job_id), problems, default_agent_id)
        snapshot.add(record, job, problems, db, str(job_id))
    return snapshot


def jobs_from_files(jobs_path: Path, problems: ProblemLog, default_agent_id: str | None) -> CronSnapshot:
    """The jobs of the legacy JSON store (`cron/jobs.json` and its split `-state.json`)."""
    data = _load_store(jobs_path, problems)
    if data is None:
        if jobs_path.exists():
            return CronSnapshot("files", f"{jobs_path}: unreadable", complete=False)
        return CronSnapshot("none", "no cron store (no cron_jobs table, no cron/jobs.json)", complete=False)
    jobs = data.get("jobs") if isinstance(data, dict) else data
    if not isinstance(jobs, list):
        problems.add(jobs_path, "no `jobs` list in cron store")
        return CronSnapshot("files", f"{jobs_path}: no jobs list", complete=False)
    # Split-state era (~2026.4.20+): runtime state lives in `<store>-state.json` under jobs[<id>].
    state_path = cron_state_path(jobs_path)
    states = _load_store(state_path, problems) if state_path.exists() else {}
    by_id = states.get("jobs") if isinstance(states, dict) else None
    by_id = by_id if isinstance(by_id, dict) else {}
    detail = f"{jobs_path}" + (f" + {state_path.name}" if state_path.exists() else "")
    snapshot = CronSnapshot("files", f"{detail}: {len(jobs)} jobs", complete=states is not None)
    for index, job in enumerate(jobs):
        inline = _inline_state(job, jobs_path, str(index), problems)
        job_id = job.get("id") if isinstance(job, dict) else None
        split = by_id.get(job_id) if isinstance(job_id, str) else None
        split_state = split.get("state") if isinstance(split, dict) else None
        if split is not None and not isinstance(split_state, dict | None):
            problems.add(state_path, f"state of cron job {job_id} is not an object; ignored", row=str(job_id))
        merged = {**inline, **(split_state if isinstance(split_state, dict) else {})}
        record = job_record(job, merged, str(jobs_path), str(index), problems, default_agent_id)
        snapshot.add(record, job, problems, jobs_path, str(index))
    return snapshot


# JSON5 is pure Python (~0.2 MB/s, and as slow to fail); OpenClaw writes its stores as strict JSON, so
# JSON5 is only a courtesy for small hand-edited files: a large broken store is reported at once.
JSON5_MAX_BYTES = 256 * 1024


def _load_store(path: Path, problems: ProblemLog) -> Any:
    try:
        small = path.stat().st_size <= JSON5_MAX_BYTES
    except OSError:
        small = True  # load_json_file reports what is wrong with it
    if small:
        return load_json_file(path, problems)
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return None
    except OSError as exc:
        problems.add(path, f"cannot read: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        problems.add(path, f"cannot read: {exc}")
    except ValueError as exc:
        problems.add(path, f"invalid JSON: {exc}")
    return None


def _inline_state(job: Any, where: Path, row: str, problems: ProblemLog) -> dict[str, Any]:
    inline = job.get("state") if isinstance(job, dict) else None
    if inline is not None and not isinstance(inline, dict):
        problems.add(where, f"cron job {job.get('id')}: state is not an object; ignored", row=row)
    return inline if isinstance(inline, dict) else {}


def _text_or_bytes(data: bytes) -> str | bytes:
    """SQLite TEXT as str, or the raw bytes when they are not UTF-8 (json_object then rejects them)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data
