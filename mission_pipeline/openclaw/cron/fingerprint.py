"""A cheap fingerprint of OpenClaw's cron state, so a schedule tick with nothing new launches nothing."""

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

from mission_pipeline.openclaw.cron.store import cron_runs_dir, cron_state_path
from mission_pipeline.openclaw.layout import state_db_path
from mission_pipeline.openclaw.sqlite_files import connect_readonly, table_columns

# openclaw.sqlite holds far more than cron (audit, deliveries, ...) and is written all the time, so
# its mtime says little: hash the cron rows instead (a small table) plus aggregates of run history.
_CRON_QUERIES = {
    "cron_jobs": "SELECT * FROM cron_jobs ORDER BY store_key, job_id",
    "task_runs": "SELECT count(*), max(created_at), max(ended_at), max(last_event_at),"
    " total(length(detail_json)) FROM task_runs WHERE runtime = 'cron'",
    "cron_run_logs": "SELECT count(*), max(seq), max(ts) FROM cron_run_logs",
}


def cron_source_fingerprint(state_dir: Path, jobs_path: Path) -> str:
    """Changes whenever a cron job, its state or its run history may have changed."""
    # The file era's stores: stat is enough, OpenClaw rewrites them on each change.
    files = [state_dir / "openclaw.json", jobs_path, cron_state_path(jobs_path)]
    parts = [_stat(path, str(path)) for path in files]
    try:
        parts += sorted(_stat(p, p.name) for p in cron_runs_dir(jobs_path).iterdir())
    except OSError:
        parts.append("runs:-")
    parts.append(_sqlite_part(state_db_path(state_dir)))
    return hashlib.sha256("\n".join(parts).encode("utf-8", "backslashreplace")).hexdigest()[:16]


def _stat(path: Path, name: str) -> str:
    try:
        stat = path.stat()
    except OSError:
        return f"{name}:-"
    return f"{name}:{stat.st_size}:{stat.st_mtime_ns}"


def _sqlite_part(db: Path) -> str:
    if not db.is_file():
        return "sqlite:-"
    try:
        # Strict text: a value that is not UTF-8 falls back to the stat below, as a lock does.
        with closing(connect_readonly(db, text_factory=str)) as conn:
            rows = [
                f"{table}:{[tuple(row) for row in conn.execute(query)]!r}"
                for table, query in _CRON_QUERIES.items()
                if table_columns(conn, table)
            ]
    except sqlite3.Error:
        # Locked or damaged: fall back to the files' stat, which changes at least as often.
        return "|".join(_stat(db.with_name(db.name + suffix), suffix) for suffix in ("", "-wal"))
    return "|".join(rows)
