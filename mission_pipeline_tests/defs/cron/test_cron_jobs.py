"""cron_jobs through the real cron_job on both samples: exactly the store's jobs, deletions, updated_at."""

import json
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline_tests.defs.domain_support import (
    SOURCE,
    edit_json,
    expected_rows,
    metadata,
    state_sqlite,
)
from mission_pipeline_tests.defs.jobs import check_results
from mission_pipeline_tests.defs.project import ProjectRuns

_ROWS = "select job_id, name, enabled, schedule, last_run, next_run from cron_jobs order by job_id"
_ALL = "select * from cron_jobs order by job_id"


def test_the_table_holds_exactly_the_stores_jobs(sample_version: str, project: ProjectRuns) -> None:
    project.use_sample(sample_version)
    result = project.run("cron_job")
    assert result.success
    rows = project.query(_ROWS)
    assert rows == expected_rows(sample_version)
    assert any(not enabled for _, _, enabled, *_ in rows)  # the disabled job is there too
    assert {r[3] for r in rows} >= {
        "cron 30 7 * * 1-5 (Europe/Berlin)",
        "every 2h",
        "at 2026-12-27 23:00 UTC",
    }
    meta = metadata(result, "cron_jobs")
    assert (meta["source"], meta["complete"], meta["jobs"]) == (SOURCE[sample_version], True, len(rows))
    assert project.query("select distinct source from cron_jobs") == [(SOURCE[sample_version],)]


def _delete_at_job(state: Path, version: str) -> str:
    """Remove the one-shot `at` job as OpenClaw does after it ran; returns its id."""
    if version == "v2026.9.6":
        with state_sqlite(state) as db:
            (job_id,) = db.execute(
                "select job_id from cron_jobs where json_extract(job_json, '$.schedule.kind') = 'at'"
            ).fetchone()
            db.execute("delete from cron_jobs where job_id = ?", (job_id,))
        return str(job_id)
    jobs = json.loads((state / "cron" / "jobs.json").read_text())["jobs"]
    job_id = next(j["id"] for j in jobs if j["schedule"]["kind"] == "at")
    edit_json(
        state / "cron" / "jobs.json", lambda d: d.update(jobs=[j for j in d["jobs"] if j["id"] != job_id])
    )
    edit_json(state / "cron" / "jobs-state.json", lambda d: d["jobs"].pop(job_id))
    return str(job_id)


def test_a_job_deleted_in_openclaw_leaves_the_table(sample_version: str, project: ProjectRuns) -> None:
    state = project.use_sample(sample_version)
    assert project.run("cron_job").success
    before = project.query(_ALL)
    gone = _delete_at_job(state, sample_version)
    result = project.run("cron_job")
    assert result.success
    assert project.query(_ALL) == [row for row in before if row[1] != gone]  # others untouched
    assert metadata(result, "cron_jobs")["rows_deleted"] == 1


def test_updated_at_moves_only_for_the_job_that_changed(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.9.6")
    assert project.run("cron_job").success
    first = project.query(_ALL)
    assert project.run("cron_job").success
    assert project.query(_ALL) == first  # ids and timestamps included: nothing was rewritten
    with state_sqlite(state) as db:
        db.execute(
            "update cron_jobs set job_json = json_set(job_json, '$.name', 'Metrics sweep v2')"
            " where name = 'Metrics sweep'"
        )
    result = project.run("cron_job")
    assert result.success
    second = {row[1]: row for row in project.query(_ALL)}
    moved = [job_id for job_id, row in second.items() if row[-1] != {r[1]: r for r in first}[job_id][-1]]
    assert [second[j][2] for j in moved] == ["Metrics sweep v2"]
    assert metadata(result, "cron_jobs")["rows_updated"] == 1


def test_a_partial_read_removes_nothing(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.9.6")
    assert project.run("cron_job").success
    before = project.query(_ALL)
    with state_sqlite(state) as db:  # one row that does not parse, and one job really deleted
        db.execute("update cron_jobs set job_json = '{broken' where name = 'Metrics sweep'")
        db.execute("delete from cron_jobs where name = 'Quarterly tax reminder'")
    result = project.run("cron_job")
    assert result.success
    assert project.query(_ALL) == before
    assert metadata(result, "cron_jobs")["complete"] is False
    assert any("not read completely" in message for message in project.logged(result))
    assert not check_results(result)["cron_jobs/source_complete"].passed


def test_newer_job_kinds_load_keeping_their_raw_json(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.5.28")
    newer = {
        "id": "job-from-the-future",
        "name": "Tail the build log",
        "enabled": True,
        "agentId": "max",
        "schedule": {"kind": "stream", "source": "file:/var/log/build.log", "debounceMs": 5000},
        "payload": {"kind": "command", "command": ["make", "check"], "cwd": "~/src"},
        "sessionTarget": "isolated",
        "hologram": {"level": 3},
    }
    edit_json(state / "cron" / "jobs.json", lambda d: d["jobs"].append(newer))
    edit_json(
        state / "cron" / "jobs-state.json",
        lambda d: d["jobs"].update({newer["id"]: {"state": {"nextRunAtMs": None, "streamCursor": "abc"}}}),
    )
    assert project.run("cron_job").success
    ((kind, schedule, schedule_json, payload_json, job_json, state_json),) = project.query(
        "select payload_kind, schedule, schedule_json, payload_json, job_json, state_json from cron_jobs"
        " where job_id = %s",
        (newer["id"],),
    )
    assert (kind, schedule) == ("command", "stream (source=file:/var/log/build.log, debounceMs=5000)")
    assert (schedule_json, payload_json) == (newer["schedule"], newer["payload"])
    assert job_json["hologram"] == {"level": 3}
    assert state_json["streamCursor"] == "abc"
    assert len(project.query(_ALL)) == 5


def test_a_missing_state_dir_fails_once_and_keeps_the_table(
    project: ProjectRuns, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project.use_sample("v2026.5.28")
    assert project.run("cron_job").success
    before = project.query(_ALL)
    project.resources.state_dir = tmp_path / "not-there"
    result = project.run("cron_job")
    assert not result.success
    assert project.query(_ALL) == before
    retries = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert not retries  # a wrong path is not a database hiccup: no retry with backoff


def test_a_configured_cron_store_is_where_jobs_and_runs_are_read(project: ProjectRuns) -> None:
    state = project.use_sample("v2026.5.28")
    (state / "cron").rename(state / "shared-cron")  # `cron.store` of the file era, relative to the state
    edit_json(state / "openclaw.json", lambda d: d.update(cron={"store": "shared-cron/jobs.json"}))
    result = project.run("cron_job")
    assert result.success
    assert project.query(_ROWS) == expected_rows("v2026.5.28")
    assert str(state / "shared-cron" / "jobs.json") in metadata(result, "cron_jobs")["source_detail"]
    assert project.query("select count(*) from cron_job_runs") == [(3,)]
