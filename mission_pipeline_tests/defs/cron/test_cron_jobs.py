"""cron_jobs through the real cron_job on both samples: exactly the store's jobs, deletions, updated_at."""

import json
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.defs.domain_support import (
    SOURCE,
    edit_json,
    expected_rows,
    logged,
    metadata,
    state_sqlite,
)
from mission_pipeline_tests.defs.jobs import check_results, run_job
from mission_pipeline_tests.fixtures.pipeline import PipelineResources
from mission_pipeline_tests.fixtures.postgres import query

_ROWS = "select job_id, name, enabled, schedule, last_run, next_run from cron_jobs order by job_id"
_ALL = "select * from cron_jobs order by job_id"


def test_the_table_holds_exactly_the_stores_jobs(
    sample_version: str,
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    openclaw_state(sample_version)
    result = run_job("cron_job", instance=instance, resources=pipeline)
    assert result.success
    rows = query(pipeline_env, _ROWS)
    assert rows == expected_rows(sample_version)
    assert any(not enabled for _, _, enabled, *_ in rows)  # the disabled job is there too
    assert {r[3] for r in rows} >= {
        "cron 30 7 * * 1-5 (Europe/Berlin)",
        "every 2h",
        "at 2026-12-27 23:00 UTC",
    }
    meta = metadata(result, "cron_jobs")
    assert (meta["source"], meta["complete"], meta["jobs"]) == (SOURCE[sample_version], True, len(rows))
    assert query(pipeline_env, "select distinct source from cron_jobs") == [(SOURCE[sample_version],)]


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


def test_a_job_deleted_in_openclaw_leaves_the_table(
    sample_version: str,
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state(sample_version)
    assert run_job("cron_job", instance=instance, resources=pipeline).success
    before = query(pipeline_env, _ALL)
    gone = _delete_at_job(state, sample_version)
    result = run_job("cron_job", instance=instance, resources=pipeline)
    assert result.success
    assert query(pipeline_env, _ALL) == [row for row in before if row[1] != gone]  # others untouched
    assert metadata(result, "cron_jobs")["rows_deleted"] == 1


def test_updated_at_moves_only_for_the_job_that_changed(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.9.6")
    assert run_job("cron_job", instance=instance, resources=pipeline).success
    first = query(pipeline_env, _ALL)
    assert run_job("cron_job", instance=instance, resources=pipeline).success
    assert query(pipeline_env, _ALL) == first  # ids and timestamps included: nothing was rewritten
    with state_sqlite(state) as db:
        db.execute(
            "update cron_jobs set job_json = json_set(job_json, '$.name', 'Metrics sweep v2')"
            " where name = 'Metrics sweep'"
        )
    result = run_job("cron_job", instance=instance, resources=pipeline)
    assert result.success
    second = {row[1]: row for row in query(pipeline_env, _ALL)}
    moved = [job_id for job_id, row in second.items() if row[-1] != {r[1]: r for r in first}[job_id][-1]]
    assert [second[j][2] for j in moved] == ["Metrics sweep v2"]
    assert metadata(result, "cron_jobs")["rows_updated"] == 1


def test_a_partial_read_removes_nothing(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.9.6")
    assert run_job("cron_job", instance=instance, resources=pipeline).success
    before = query(pipeline_env, _ALL)
    with state_sqlite(state) as db:  # one row that does not parse, and one job really deleted
        db.execute("update cron_jobs set job_json = '{broken' where name = 'Metrics sweep'")
        db.execute("delete from cron_jobs where name = 'Quarterly tax reminder'")
    result = run_job("cron_job", instance=instance, resources=pipeline)
    assert result.success
    assert query(pipeline_env, _ALL) == before
    assert metadata(result, "cron_jobs")["complete"] is False
    assert any("not read completely" in message for message in logged(instance, result.run_id))
    assert not check_results(result)["cron_jobs/source_complete"].passed


def test_newer_job_kinds_load_keeping_their_raw_json(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.5.28")
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
    assert run_job("cron_job", instance=instance, resources=pipeline).success
    ((kind, schedule, schedule_json, payload_json, job_json, state_json),) = query(
        pipeline_env,
        "select payload_kind, schedule, schedule_json, payload_json, job_json, state_json from cron_jobs"
        " where job_id = %s",
        (newer["id"],),
    )
    assert (kind, schedule) == ("command", "stream (source=file:/var/log/build.log, debounceMs=5000)")
    assert (schedule_json, payload_json) == (newer["schedule"], newer["payload"])
    assert job_json["hologram"] == {"level": 3}
    assert state_json["streamCursor"] == "abc"
    assert len(query(pipeline_env, _ALL)) == 5


def test_a_missing_state_dir_fails_once_and_keeps_the_table(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pipeline: PipelineResources,
) -> None:
    openclaw_state("v2026.5.28")
    assert run_job("cron_job", instance=instance, resources=pipeline).success
    before = query(pipeline_env, _ALL)
    pipeline.state_dir = tmp_path / "not-there"
    result = run_job("cron_job", instance=instance, resources=pipeline)
    assert not result.success
    assert query(pipeline_env, _ALL) == before
    retries = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert not retries  # a wrong path is not a database hiccup: no retry with backoff


def test_a_configured_cron_store_is_where_jobs_and_runs_are_read(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    state = openclaw_state("v2026.5.28")
    (state / "cron").rename(state / "shared-cron")  # `cron.store` of the file era, relative to the state
    edit_json(state / "openclaw.json", lambda d: d.update(cron={"store": "shared-cron/jobs.json"}))
    result = run_job("cron_job", instance=instance, resources=pipeline)
    assert result.success
    assert query(pipeline_env, _ROWS) == expected_rows("v2026.5.28")
    assert str(state / "shared-cron" / "jobs.json") in metadata(result, "cron_jobs")["source_detail"]
    assert query(pipeline_env, "select count(*) from cron_job_runs") == [(3,)]
