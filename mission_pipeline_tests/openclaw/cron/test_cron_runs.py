"""Cron run history from `task_runs`, `cron_run_logs` and `cron/runs/*.jsonl`."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from mission_pipeline.openclaw.cron.runs import CronRunRecord, read_cron_runs
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline_tests.openclaw._support import make_writable, recorded

SOURCE = {"v2026.9.6": "sqlite:task_runs", "v2026.5.28": "files"}


def _ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _store_counts(state: Path, version: str) -> Counter[str]:
    """Runs per job id, counted straight from the store."""
    if version == "v2026.9.6":
        with closing(sqlite3.connect(state / "state" / "openclaw.sqlite")) as conn:
            return Counter(r[0] for r in conn.execute("SELECT source_id FROM task_runs WHERE runtime='cron'"))
    runs = state / "cron" / "runs"
    return Counter({p.stem: len(p.read_text().splitlines()) for p in runs.glob("*.jsonl")})


def test_runs_match_store_and_recorded_cli(copy_sample: Callable[[str], Path], sample_version: str) -> None:
    state = copy_sample(sample_version)
    problems = ProblemLog()
    runs = read_cron_runs(state, problems=problems)
    assert not problems
    assert len(runs) == 3
    assert {r.source for r in runs} == {SOURCE[sample_version]}
    assert Counter(r.job_id for r in runs) == _store_counts(state, sample_version)
    assert {r.status for r in runs} == {"ok"}
    assert len({r.run_id for r in runs}) == 3
    by_id = {r.run_id: r for r in runs}
    entries = [*recorded(sample_version, "cron-runs-cron.json")["entries"]]
    entries += recorded(sample_version, "cron-runs-every.json")["entries"]
    assert len(entries) == len(runs)
    for entry in entries:  # what `openclaw cron runs --id <job>` printed for each run
        run = by_id[f"{entry['jobId']}:{entry['runAtMs']}"]
        assert (run.job_id, run.status, run.summary) == (entry["jobId"], entry["status"], entry["summary"])
        assert (run.started_at, run.finished_at) == (_ms(entry["runAtMs"]), _ms(entry["ts"]))
        assert (run.duration_ms, run.model, run.provider) == (
            entry["durationMs"],
            entry["model"],
            entry["provider"],
        )
        assert (run.session_id, run.session_key) == (entry["sessionId"], entry["sessionKey"])
        assert run.delivery_status == entry["deliveryStatus"]
        assert run.agent_id == entry["sessionKey"].split(":")[1]
        assert run.error is None
    # Tokens are attribution snapshots, not billing data: kept in raw_json only.
    assert not any("token" in name for name in CronRunRecord.__dataclass_fields__)


def test_run_ids_survive_the_move_to_sqlite(copy_sample: Callable[[str], Path], tmp_path: Path) -> None:
    """The same run read from a run-log file and from a cron_run_logs row keeps one id, one record."""
    state = make_writable(copy_sample("v2026.5.28"))
    file_runs = {r.run_id: r for r in read_cron_runs(state, problems=ProblemLog())}
    (state / "state").mkdir()
    with closing(sqlite3.connect(state / "state" / "openclaw.sqlite")) as conn, conn:
        conn.execute(
            "CREATE TABLE cron_run_logs"
            " (store_key TEXT, job_id TEXT, seq INTEGER, ts INTEGER, entry_json TEXT)"
        )
        for seq, path in enumerate(sorted((state / "cron" / "runs").glob("*.jsonl"))):
            line = path.read_text().splitlines()[0]  # one run per job imported, as doctor would
            conn.execute("INSERT INTO cron_run_logs VALUES ('k', ?, ?, 0, ?)", (path.stem, seq, line))
    runs = read_cron_runs(state, problems=ProblemLog())
    assert {r.run_id for r in runs} == set(file_runs)
    assert Counter(r.source for r in runs) == {"sqlite:cron_run_logs": 2, "files": 1}
    for run in runs:
        assert (run.session_id, run.started_at) == (
            file_runs[run.run_id].session_id,
            file_runs[run.run_id].started_at,
        )


def test_bad_lines_and_rows(copy_sample: Callable[[str], Path]) -> None:
    state = make_writable(copy_sample("v2026.5.28"))
    log = next((state / "cron" / "runs").glob("d802*.jsonl"))
    lines = log.read_text().splitlines()
    log.write_text("\n".join([lines[0], "{broken", "", json.dumps({"status": "ok"}), lines[1]]) + "\n")
    problems = ProblemLog()
    runs = read_cron_runs(state, problems=problems)
    assert len(runs) == 3
    assert [(Path(p.path).name, p.line, p.row) for p in problems] == [
        (log.name, 2, None),
        (log.name, None, "line 4"),
    ]


def test_task_runs_columns_fill_gaps(copy_sample: Callable[[str], Path]) -> None:
    """A failed and a still-running task with no detail_json still become records."""
    state = make_writable(copy_sample("v2026.9.6"))
    with closing(sqlite3.connect(state / "state" / "openclaw.sqlite")) as conn, conn:
        for task_id, status, ended, detail in [
            ("t-failed", "failed", 1795760002000, None),
            ("t-running", "running", None, "not json"),
        ]:
            conn.execute(
                "INSERT INTO task_runs (task_id, runtime, source_id, owner_key, scope_kind, agent_id,"
                " task, status, delivery_status, notify_policy, created_at, started_at, ended_at, error,"
                " detail_json)"
                " VALUES (?, 'cron', 'job-x', '', 'system', 'max', 't', ?, 'n', 's', 1, 1795760000000,"
                " ?, ?, ?)",
                (task_id, status, ended, "boom" if status == "failed" else None, detail),
            )
        conn.execute(
            "INSERT INTO task_runs (task_id, runtime, owner_key, scope_kind, task, status, delivery_status,"
            " notify_policy, created_at) VALUES ('t-cli', 'cli', '', 's', 't', 'succeeded', 'n', 's', 1)"
        )
    problems = ProblemLog()
    runs = [r for r in read_cron_runs(state, problems=problems) if r.job_id == "job-x"]
    assert len(runs) == 1  # same job and start ms: one run, the first row wins
    failed = runs[0]
    assert (failed.status, failed.error, failed.duration_ms, failed.agent_id) == (
        "error",
        "boom",
        2000,
        "max",
    )
    assert failed.raw_json["task_id"] == "t-failed"
    assert [p.row for p in problems] == ["t-running"]


def test_job_agents_fill_missing_agent(tmp_path: Path) -> None:
    runs_dir = tmp_path / "cron" / "runs"
    runs_dir.mkdir(parents=True)
    (runs_dir / "j1.jsonl").write_text(
        json.dumps({"ts": 2000, "jobId": "j1", "status": "error", "error": {"code": 1}})
    )
    [run] = read_cron_runs(tmp_path, problems=ProblemLog(), job_agents={"j1": "amber"})
    assert (run.run_id, run.agent_id, run.started_at) == ("j1:2000", "amber", None)
    assert run.error == '{"code": 1}'  # a structured error is kept as JSON text


def test_no_history(tmp_path: Path) -> None:
    problems = ProblemLog()
    assert read_cron_runs(tmp_path, problems=problems) == []
    assert not problems
