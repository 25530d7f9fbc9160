"""Snapshot of OpenClaw's cron jobs: the CLI when asked, else the SQLite store, else the legacy files.

A snapshot replaces the jobs table, so it says how far it can be trusted: `complete` is False when a
job (`skipped_job_ids`) or the authoritative store could not be read, or no store was found."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from mission_pipeline.openclaw.cli import OpenClawCliError, run_openclaw_json
from mission_pipeline.openclaw.cron.schedule import CronJobRecord, job_record
from mission_pipeline.openclaw.cron.store import cron_state_path, default_jobs_path
from mission_pipeline.openclaw.layout import state_db_path
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sqlite_files import connect_readonly, table_columns
from mission_pipeline.openclaw.state_dir import json_object, load_json_file, pick_store_key

CronSource = Literal["cli", "sqlite", "files", "none"]
CLI_PAGE_LIMIT = 200  # OpenClaw caps one cron.list page at 200 jobs
_MAX_PAGES = 1000
_LIST_ARGS = ["cron", "list", "--all", "--json"]
_CLI_WHERE = "openclaw " + " ".join(_LIST_ARGS)

__all__ = ["CronJobRecord", "CronSnapshot", "read_cron_jobs"]


@dataclass
class CronSnapshot:
    """Every cron job of one store, where it came from, and whether it is whole."""

    source: CronSource
    detail: str
    jobs: list[CronJobRecord] = field(default_factory=list)
    complete: bool = True
    skipped_job_ids: list[str] = field(default_factory=list)
    cli_error: str | None = None
    seen_ids: set[str] = field(default_factory=set, repr=False)


class _CliPage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    jobs: list[Any]
    total: int | None = None
    hasMore: bool | None = False  # OpenClaw's camelCase names
    nextOffset: int | None = None
    snapshotRevision: str | None = None


def read_cron_jobs(
    state_dir: Path,
    *,
    cli_command: list[str] | None,
    problems: ProblemLog,
    jobs_path: Path | None = None,
    default_agent_id: str | None = None,
) -> CronSnapshot:
    """All cron jobs (disabled too): the CLI if given, else `state/openclaw.sqlite`, else `cron/jobs.json`."""
    cli_error = None
    if cli_command:
        try:
            return _from_cli(cli_command, state_dir, problems, default_agent_id)
        except OpenClawCliError as exc:
            cli_error = str(exc)
    jobs_path = jobs_path or default_jobs_path(state_dir)
    try:
        snapshot = _from_sqlite(state_dir, jobs_path, problems, default_agent_id)
        store_failed = False
    except sqlite3.Error:
        snapshot, store_failed = None, True
    if snapshot is None:
        snapshot = _from_files(jobs_path, problems, default_agent_id)
        # Files are only a stand-in when the SQLite store exists but could not be read.
        snapshot.complete = snapshot.complete and not store_failed
    elif jobs_path.is_file():
        # SQLite-era OpenClaw never reads this file again; only `doctor --fix` imports it.
        problems.add(jobs_path, "ignored: jobs live in state/openclaw.sqlite now (`openclaw doctor --fix`)")
    if cli_error:
        snapshot.cli_error = cli_error
        snapshot.detail = f"CLI failed ({' '.join(cli_error.split())}); fell back to: {snapshot.detail}"
    return snapshot


def _from_cli(
    command: list[str], state_dir: Path, problems: ProblemLog, default_agent_id: str | None
) -> CronSnapshot:
    page = _page(run_openclaw_json(command, _LIST_ARGS, state_dir=state_dir))
    rows, revision, offset, pages = list(page.jobs), page.snapshotRevision, 0, 1
    while page.hasMore:
        # `cron list` itself has no offset flag; later pages come from the same RPC it calls.
        if page.nextOffset is None or page.nextOffset <= offset or pages >= _MAX_PAGES:
            raise OpenClawCliError(f"cron.list paging did not advance (nextOffset={page.nextOffset})")
        offset = page.nextOffset
        params = json.dumps({"includeDisabled": True, "limit": CLI_PAGE_LIMIT, "offset": offset})
        args = ["gateway", "call", "cron.list", "--params", params, "--json"]
        page = _page(run_openclaw_json(command, args, state_dir=state_dir))
        if revision is not None and page.snapshotRevision not in (None, revision):
            raise OpenClawCliError("cron jobs changed while paging through cron.list")
        rows += page.jobs
        pages += 1
    if page.total is not None and len(rows) != page.total:
        raise OpenClawCliError(f"cron.list returned {len(rows)} jobs but reported total {page.total}")
    ids = [row.get("id") for row in rows if isinstance(row, dict)]
    if len(ids) != len(set(ids)):
        raise OpenClawCliError("cron.list returned a job twice (inventory changed while paging?)")
    snapshot = CronSnapshot("cli", f"{_CLI_WHERE}: {len(rows)} jobs in {pages} page(s)")
    for index, row in enumerate(rows):
        state = row.get("state") if isinstance(row, dict) else None
        _add(snapshot, job_record(row, state, _CLI_WHERE, str(index), problems, default_agent_id), row)
    return snapshot


def _page(output: Any) -> _CliPage:
    try:
        page = _CliPage.model_validate(output)
    except ValidationError as exc:
        raise OpenClawCliError(f"unexpected cron list output: {exc.errors()[0]['msg']}") from None
    if len(page.jobs) > CLI_PAGE_LIMIT:
        raise OpenClawCliError(f"cron.list page holds {len(page.jobs)} jobs, more than {CLI_PAGE_LIMIT}")
    return page


def _from_sqlite(
    state_dir: Path, jobs_path: Path, problems: ProblemLog, default_agent_id: str | None
) -> CronSnapshot | None:
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
            _add(snapshot, None, {"id": job_id})
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
        _add(snapshot, record, job, problems, db, str(job_id))
    return snapshot


def _from_files(jobs_path: Path, problems: ProblemLog, default_agent_id: str | None) -> CronSnapshot:
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
        _add(snapshot, record, job, problems, jobs_path, str(index))
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


def _add(
    snapshot: CronSnapshot,
    record: CronJobRecord | None,
    raw: Any,
    problems: ProblemLog | None = None,
    where: Path | None = None,
    row: str | None = None,
) -> None:
    if record is None:
        snapshot.complete = False
        job_id = raw.get("id") if isinstance(raw, dict) else None
        snapshot.skipped_job_ids += [job_id] if isinstance(job_id, str) and job_id else []
    elif record.job_id in snapshot.seen_ids:
        # One row per job id downstream: a second job with the same id would fail the whole write.
        # The first copy stands for the job, so no job is missing and the snapshot stays complete.
        if problems is not None and where is not None:
            message = f"cron job {record.job_id} appears again; this copy skipped"
            problems.add(where, message, row=row or record.job_id)
    else:
        snapshot.jobs.append(record)
        snapshot.seen_ids.add(record.job_id)
