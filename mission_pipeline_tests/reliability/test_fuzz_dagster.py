"""The fuzzed inputs through the real Dagster jobs and PostgreSQL: the run completes, the table holds
exactly what the reader kept, and the run's metadata names every bad record.

Default: one usage day (every record kind, both eras) and one cron store per era; with
MISSION_PIPELINE_FULL_RELIABILITY=1, five of each with other seeds.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline.openclaw.transcripts import jsonl
from mission_pipeline_tests.defs.domain_support import metadata
from mission_pipeline_tests.defs.jobs import check_results, run_job
from mission_pipeline_tests.fixtures.pipeline import PipelineResources
from mission_pipeline_tests.fixtures.postgres import query
from mission_pipeline_tests.reliability.fuzz_cron import (
    KEPT_KINDS,
    KEPT_REPORTED_KINDS,
    SKIPPED_KINDS,
    SQLITE_ONLY_KINDS,
    build_cron_example,
    judge_cron,
    read_cron_example,
)
from mission_pipeline_tests.reliability.fuzz_figures import record_figures, size
from mission_pipeline_tests.reliability.fuzz_transcripts import (
    BAD_KINDS,
    DAY_START,
    FUZZ_LINE_LIMIT,
    GOOD_KINDS,
    NONE_KINDS,
    build_example,
    judge,
    read_example,
)
from mission_pipeline_tests.reliability.fuzz_transcripts import (
    SQLITE_ONLY_KINDS as SQLITE_ROW_KINDS,
)

pytestmark = pytest.mark.slow
SEEDS = range(size(1, 5))
PARTITION = DAY_START.date().isoformat()


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as test_instance:
        yield test_instance


@pytest.fixture
def use_state(pipeline: PipelineResources) -> Callable[[Path], None]:
    def _use(state: Path) -> None:
        pipeline.state_dir = state

    return _use


def _listed(markdown: str) -> list[str]:
    return [line[3:-1] for line in markdown.splitlines() if line.startswith("- `")]


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_usage_day_through_usage_job(
    seed: int,
    tmp_path: Path,
    use_state: Callable[[Path], None],
    instance: dg.DagsterInstance,
    monkeypatch: pytest.MonkeyPatch,
    pipeline: PipelineResources,
) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", FUZZ_LINE_LIMIT)
    rng = random.Random(seed)
    # Every kind once per source (the bad ones spread so that all fit in the 50 listed problems).
    good = [*GOOD_KINDS, *NONE_KINDS]
    bad = list(BAD_KINDS)
    kinds = {
        "sqlite": [*good, *bad[:4], *SQLITE_ROW_KINDS],
        "jsonl": [*good, *bad[4:7], "blank"],
        "reset": [*good, *bad[7:9]],
        "deleted_zst": [*good, *bad[9:]],
    }
    for source in kinds.values():
        rng.shuffle(source)
    example = build_example(tmp_path, rng, kinds, [], 3)
    events, problems = read_example(example)
    verdict = judge(example, events, list(problems))
    assert verdict.errors == []
    assert problems.count < 50
    use_state(example.state)

    result = run_job("usage_job", instance=instance, partition=PARTITION, resources=pipeline)

    assert result.success
    meta = metadata(result, "openclaw_usage_events")
    assert meta["unreadable_lines"] == problems.count == verdict.reported
    assert _listed(meta["problems"]) == problems.lines(50)
    rows = query(
        pipeline.database,
        "select source_path, source_line, input_tokens, output_tokens, cache_read_tokens,"
        " cache_write_tokens, recorded_cost_usd::float8, model from openclaw_usage_events",
    )
    expected = {
        (e.source_path, e.source_line): (
            e.input_tokens,
            e.output_tokens,
            e.cache_read_tokens,
            e.cache_write_tokens,
            e.recorded_cost_usd,
            e.model,
        )
        for e in events
    }
    assert {(r[0], r[1]): tuple(r[2:]) for r in rows} == expected
    assert len(rows) == verdict.counted
    checks = check_results(result)
    readable = checks["openclaw_usage_events/source_lines_readable"]
    assert (readable.passed, readable.metadata["unreadable"].value) == (False, problems.count)
    # The integrity checks hold; the cost checks warn by design (fuzzed costs, an unpriced model).
    for name in (
        "openclaw_usage_events/tokens_non_negative",
        "agent_usage/tokens_non_negative",
        "agent_usage/totals_match_ledger",
    ):
        assert checks[name].passed, (name, checks[name].metadata)
    record_figures(
        f"fuzz_dagster_usage_seed{seed}",
        {
            "cases_tried": sum(example.cases().values()),
            "cases_held": sum(example.cases().values()),
            "ledger_rows": len(rows),
            "unreadable_lines_in_run_metadata": meta["unreadable_lines"],
        },
    )


@pytest.mark.parametrize("era", ["files", "sqlite"])
@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_cron_store_through_cron_job(
    era: str,
    seed: int,
    tmp_path: Path,
    use_state: Callable[[Path], None],
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    rng = random.Random(f"{era}-{seed}")
    clean = build_cron_example(tmp_path / "clean", rng, era, [*KEPT_KINDS, *KEPT_KINDS], [])
    use_state(clean.state)
    first = run_job("cron_job", instance=instance, resources=pipeline)
    assert first.success
    before = {r[0] for r in query(pipeline.database, "select job_id from cron_jobs")}
    assert len(before) == 2 * len(KEPT_KINDS)

    # The same store, now with every kind of bad job: nothing crashes, nothing is removed.
    kinds = [*KEPT_KINDS, *KEPT_REPORTED_KINDS, *SKIPPED_KINDS, "duplicate_id"]
    if era == "sqlite":
        kinds = [k for k in kinds if k != "duplicate_id"] + list(SQLITE_ONLY_KINDS)
    rng.shuffle(kinds)
    bad = build_cron_example(tmp_path / "bad", rng, era, kinds, [])
    snapshot, problems = read_cron_example(bad)
    verdict = judge_cron(bad, snapshot, list(problems))
    assert verdict.errors == []
    assert not snapshot.complete
    use_state(bad.state)

    result = run_job("cron_job", instance=instance, resources=pipeline)

    assert result.success
    meta = metadata(result, "cron_jobs")
    assert (meta["complete"], meta["jobs"]) == (False, len(snapshot.jobs))
    assert _listed(meta["problems"]) == problems.lines(20)
    rows = query(pipeline.database, "select job_id, name, consecutive_errors from cron_jobs")
    by_id = {r[0]: r for r in rows}
    assert before <= set(by_id)  # an incomplete snapshot removes no job
    for job in snapshot.jobs:
        assert by_id[job.job_id][1] == (job.name or "").replace("\x00", "\ufffd")
        assert by_id[job.job_id][2] == job.consecutive_errors
    assert not [r for r in rows if r[1] and re.search("[\ud800-\udfff]", r[1])]
    record_figures(
        f"fuzz_dagster_cron_{era}_seed{seed}",
        {
            "cases_tried": len(bad.jobs),
            "cases_held": len(bad.jobs),
            "jobs_written": len(snapshot.jobs),
            "earlier_jobs_kept": len(before),
            "problems_in_run_metadata": len(problems),
        },
    )


def test_names_that_are_not_utf8_through_usage_job(
    tmp_path: Path,
    use_state: Callable[[Path], None],
    instance: dg.DagsterInstance,
    pipeline: PipelineResources,
) -> None:
    """A transcript file and a SQLite session id that are not UTF-8: read, stored escaped, reported."""
    kinds = {
        "sqlite": ["call"] * 4,
        "jsonl": ["call"] * 4,
        "reset": ["call"] * 4,
        "deleted_zst": ["call"] * 4,
    }
    example = build_example(tmp_path, random.Random(8), kinds, [], 0)
    live = example.state / example.sources[1].path
    os.rename(live, os.path.join(os.fsencode(live.parent), b"caf\xe9-" + os.fsencode(live.name)))
    db = example.state / example.sources[0].path
    conn = sqlite3.connect(db)
    with conn:
        for table in ("transcript_events", "session_windows"):
            conn.execute(f"UPDATE {table} SET session_id = CAST(? AS TEXT)", (b"sess-\xff\xfe",))
    conn.close()
    use_state(example.state)

    result = run_job("usage_job", instance=instance, partition=PARTITION, resources=pipeline)

    assert result.success
    rows = query(pipeline.database, "select source_path, session_id from openclaw_usage_events")
    assert len(rows) == 16
    assert sum("caf\\xe9-" in r[0] for r in rows) == 4
    assert sum(r[1] == "sess-\\xff\\xfe" for r in rows) == 4
    meta = metadata(result, "openclaw_usage_events")
    assert meta["unreadable_lines"] == 1 and "not UTF-8" in meta["problems"]
    record_figures(
        "fuzz_dagster_non_utf8_names", {"cases_tried": 2, "cases_held": 2, "ledger_rows": len(rows)}
    )
