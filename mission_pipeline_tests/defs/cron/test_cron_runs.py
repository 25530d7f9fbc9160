"""cron_job_runs on both samples: the store's run history, kept after OpenClaw rotates it away."""

import json
from pathlib import Path
from typing import Any

from mission_pipeline_tests.defs.domain_support import metadata, ms_utc, state_sqlite
from mission_pipeline_tests.defs.project import ProjectRuns

_RUNS = (
    "select job_id, agent_id, started_at, finished_at, status, duration_ms, model, session_id, session_key"
    " from cron_job_runs order by job_id, started_at"
)


def store_history(state: Path, version: str) -> list[tuple[Any, ...]]:
    """The run history as OpenClaw stored it: task_runs (runtime cron) or cron/runs/<jobId>.jsonl."""
    rows = []
    if version == "v2026.9.6":
        with state_sqlite(state) as db:
            tasks = db.execute(
                "select source_id, agent_id, started_at, ended_at, child_session_key, detail_json"
                " from task_runs where runtime = 'cron'"
            ).fetchall()
        for job_id, agent, start, end, key, detail in tasks:
            e = json.loads(detail)  # the run-log entry; the columns hold the rest
            times = (ms_utc(start), ms_utc(end))
            rows.append(
                (job_id, agent, *times, e["status"], e["durationMs"], e["model"], e["sessionId"], key)
            )
    else:
        for log in sorted((state / "cron" / "runs").glob("*.jsonl")):
            for line in log.read_text().splitlines():
                e = json.loads(line)
                agent = e["sessionKey"].split(":")[1]  # agent:<id>:cron:<job>:run:<session>
                times = (ms_utc(e["runAtMs"]), ms_utc(e["ts"]))
                rows.append(
                    (
                        e["jobId"],
                        agent,
                        *times,
                        e["status"],
                        e["durationMs"],
                        e["model"],
                        e["sessionId"],
                        e["sessionKey"],
                    )
                )
    return sorted(rows, key=lambda r: (r[0], r[2]))


def test_history_matches_the_store(sample_version: str, project: ProjectRuns) -> None:
    state = project.use_sample(sample_version)
    result = project.run("cron_job")
    assert result.success
    expected = store_history(state, sample_version)
    assert len(expected) == 3
    assert project.query(_RUNS) == expected
    assert metadata(result, "cron_job_runs")["runs"] == 3
    # Every run belongs to a job of the table.
    assert project.query(
        "select count(*) from cron_job_runs where job_id not in (select job_id from cron_jobs)"
    ) == [(0,)]


def _rotate_away(state: Path, version: str) -> None:
    """What OpenClaw's pruning does: the oldest runs leave its store."""
    if version == "v2026.9.6":
        with state_sqlite(state) as db:
            db.execute("delete from task_runs where runtime = 'cron' and source_id like '94da44a8%'")
    else:
        log = next((state / "cron" / "runs").glob("d802f64f-*.jsonl"))
        log.write_text(log.read_text().splitlines()[-1] + "\n")  # keepLines: only the newest stays


def test_runs_openclaw_rotated_away_stay(sample_version: str, project: ProjectRuns) -> None:
    state = project.use_sample(sample_version)
    assert project.run("cron_job").success
    before = project.query("select * from cron_job_runs order by run_id")
    _rotate_away(state, sample_version)
    result = project.run("cron_job")
    assert result.success
    assert project.query("select * from cron_job_runs order by run_id") == before
    assert metadata(result, "cron_job_runs")["rows_deleted"] == 0
