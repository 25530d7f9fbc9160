"""Cron job snapshots: kinds newer than this code, broken rows and files, odd store layouts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mission_pipeline.openclaw.cron.jobs import CronSnapshot
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline_tests.openclaw._support import make_writable, read_jobs, state_db

NEW_KINDS: list[dict[str, Any]] = [
    {
        "id": "job-stream",
        "name": "Tail the deploy log",
        "enabled": True,
        "schedule": {
            "kind": "stream",
            "command": ["tail", "-F", "deploy.log"],
            "mode": "lines",
            "batchMs": 500,
        },
        "payload": {"kind": "command", "argv": ["./notify.sh"], "cwd": "/srv"},
        "sessionTarget": "isolated",
        "state": {"streamStatus": "running"},
    },
    {
        "id": "job-exit",
        "name": "After the build",
        "enabled": True,
        "schedule": {"kind": "on-exit", "command": "make build", "cwd": "/srv"},
        "payload": {"kind": "quantumTurn", "qubits": 3},
        "state": {},
    },
    {"id": "job-bare", "name": "No schedule at all", "payload": "not an object"},
]


def _check_new_kinds(snapshot: CronSnapshot) -> None:
    by_id = {job.job_id: job for job in snapshot.jobs}
    stream, on_exit, bare = by_id["job-stream"], by_id["job-exit"], by_id["job-bare"]
    assert stream.schedule == "stream (command=tail -F deploy.log, mode=lines, batchMs=500)"
    assert (stream.payload_kind, stream.payload_json["argv"]) == ("command", ["./notify.sh"])
    assert stream.state_json == {"streamStatus": "running"}
    assert (on_exit.schedule, on_exit.payload_kind) == (
        "on-exit (command=make build, cwd=/srv)",
        "quantumTurn",
    )
    assert (bare.schedule, bare.payload_kind, bare.payload_json, bare.enabled) == (
        "unknown schedule",
        None,
        {},
        True,
    )


def test_unknown_kinds_load_from_sqlite(copy_sample: Callable[[str], Path]) -> None:
    state = copy_sample("v2026.9.6")
    with state_db(state) as conn, conn:
        for i, job in enumerate(NEW_KINDS):
            conn.execute(
                "INSERT INTO cron_jobs (store_key, job_id, name, enabled, payload_kind, job_json, state_json,"
                " sort_order, updated_at)"
                " VALUES ((SELECT store_key FROM cron_jobs LIMIT 1), ?, ?, 1, 'x', ?, ?, ?, 0)",
                (
                    job["id"],
                    job["name"],
                    json.dumps({**job, "state": {}}),
                    json.dumps(job.get("state", {})),
                    100 + i,
                ),
            )
    problems = ProblemLog()
    snapshot = read_jobs(state, problems)
    assert not problems
    assert len(snapshot.jobs) == 14
    _check_new_kinds(snapshot)


def test_unknown_kinds_load_from_files(copy_sample: Callable[[str], Path]) -> None:
    state = make_writable(copy_sample("v2026.5.28"))
    path = state / "cron" / "jobs.json"
    data = json.loads(path.read_text())
    data["jobs"] += NEW_KINDS  # inline `state`, as before the split-state era
    path.write_text(json.dumps(data))
    snapshot = read_jobs(state)
    assert len(snapshot.jobs) == 7
    _check_new_kinds(snapshot)


def test_bad_sqlite_row_is_a_problem_and_others_load(copy_sample: Callable[[str], Path]) -> None:
    state = copy_sample("v2026.9.6")
    bad = next(job.job_id for job in read_jobs(state).jobs if job.name == "Weekday standup digest")
    with state_db(state) as conn, conn:
        conn.execute('UPDATE cron_jobs SET job_json = \'{"id": "x", oops\' WHERE job_id = ?', (bad,))
        conn.execute(
            "UPDATE cron_jobs SET state_json = '{\"lastRunAtMs\": \"soon\"}' WHERE name = 'Metrics sweep'"
        )
    problems = ProblemLog()
    snapshot = read_jobs(state, problems)
    assert len(snapshot.jobs) == 10
    assert not snapshot.complete
    assert snapshot.skipped_job_ids == [bad]
    sweep = next(job for job in snapshot.jobs if job.name == "Metrics sweep")
    assert sweep.last_run is None
    assert sweep.state_json == {"lastRunAtMs": "soon"}
    assert [p.row for p in problems] == [bad, sweep.job_id]


def test_bad_file_rows(copy_sample: Callable[[str], Path]) -> None:
    state = make_writable(copy_sample("v2026.5.28"))
    path = state / "cron" / "jobs.json"
    data = json.loads(path.read_text())
    data["jobs"] += ["not a job", {"name": "no id"}]
    path.write_text(json.dumps(data))
    problems = ProblemLog()
    snapshot = read_jobs(state, problems)
    assert len(snapshot.jobs) == 4
    assert not snapshot.complete
    assert len(problems) == 2
    assert [p.row for p in problems] == ["4", "5"]


def test_unparseable_jobs_file_is_incomplete_not_empty(copy_sample: Callable[[str], Path]) -> None:
    state = make_writable(copy_sample("v2026.5.28"))
    (state / "cron" / "jobs.json").write_text('{"version": 1, "jobs": [')
    problems = ProblemLog()
    snapshot = read_jobs(state, problems)
    assert (snapshot.source, snapshot.jobs, snapshot.complete) == ("files", [], False)
    assert len(problems) == 1


def test_leftover_jobs_json_next_to_sqlite_is_flagged(copy_sample: Callable[[str], Path]) -> None:
    state = make_writable(copy_sample("v2026.9.6"))
    (state / "cron").mkdir()
    (state / "cron" / "jobs.json").write_text('{"version": 1, "jobs": [{"id": "stale", "name": "old"}]}')
    problems = ProblemLog()
    snapshot = read_jobs(state, problems)
    assert snapshot.source == "sqlite"
    assert "stale" not in {job.job_id for job in snapshot.jobs}
    assert "doctor --fix" in next(iter(problems)).message


def test_no_store(tmp_path: Path) -> None:
    snapshot = read_jobs(tmp_path)
    assert (snapshot.source, snapshot.jobs, snapshot.complete) == ("none", [], False)


@pytest.mark.parametrize("version", ["v2026.9.6", "v2026.5.28"])
def test_store_is_opened_read_only(copy_sample: Callable[[str], Path], version: str) -> None:
    state = copy_sample(version)  # read-only copy, as the samples are
    before = sorted(p.name for p in state.rglob("*"))
    read_jobs(state)
    assert sorted(p.name for p in state.rglob("*")) == before  # no journal, no new files


def _copy_rows_to_store(state: Path, store_key: str, updated_at: int, names: tuple[str, ...]) -> None:
    """Duplicate some rows under another store key (new ids), as a Gateway started elsewhere would."""
    with state_db(state) as conn, conn:
        for name in names:
            conn.execute(
                "INSERT INTO cron_jobs (store_key, job_id, name, enabled, payload_kind, job_json, state_json,"
                " sort_order, updated_at) SELECT ?, job_id || '-new', name, enabled, payload_kind,"
                " json_set(job_json, '$.id', job_id || '-new'), state_json, sort_order, ?"
                " FROM cron_jobs WHERE name = ?",
                (store_key, updated_at, name),
            )


def test_rows_of_the_current_store_key_win(copy_sample: Callable[[str], Path]) -> None:
    """Observed with the real 2026.9.6 Gateway on a moved state dir: it recreates its system jobs under
    the new path's key and no longer runs the rows of the old key; the snapshot follows the Gateway."""
    state = copy_sample("v2026.9.6")
    _copy_rows_to_store(state, str(state / "cron" / "jobs.json"), 1, ("heartbeat-main", "Metrics sweep"))
    problems = ProblemLog()
    snapshot = read_jobs(state, problems)
    assert sorted(job.job_id[-4:] for job in snapshot.jobs) == ["-new", "-new"]
    assert "11 rows of other stores ignored" in snapshot.detail
    assert snapshot.complete
    assert not problems


def test_several_foreign_store_keys_read_the_latest(copy_sample: Callable[[str], Path]) -> None:
    state = copy_sample("v2026.9.6")
    _copy_rows_to_store(state, "/elsewhere/cron/jobs.json", 1895754136291, ("Metrics sweep",))
    problems = ProblemLog()
    snapshot = read_jobs(state, problems)
    assert [job.job_id[-4:] for job in snapshot.jobs] == ["-new"]
    expected = f"cron_jobs holds 2 stores, none for {state / 'cron' / 'jobs.json'}; read the latest: "
    assert [p.message for p in problems] == [expected + "/elsewhere/cron/jobs.json"]
