"""Bad input in cron stores: every good job kept exactly once, every bad one reported at its row.

Sizes: 100 generated stores by default (files and SQLite era, ~6,000 jobs and store faults), 1,000
with MISSION_PIPELINE_FULL_RELIABILITY=1. See `fuzz_cron` for what each job must become.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mission_pipeline.openclaw.cron.jobs_stores import JSON5_MAX_BYTES
from mission_pipeline_tests.reliability.fuzz_cron import (
    FILES_ONLY_KINDS,
    KEPT_KINDS,
    KEPT_REPORTED_KINDS,
    SKIPPED_KINDS,
    SQLITE_ONLY_KINDS,
    STORE_FAULTS,
    build_cron_example,
    judge_cron,
    read_cron_example,
)
from mission_pipeline_tests.reliability.fuzz_figures import fuzz_settings, record_figures, size

pytestmark = pytest.mark.slow

EXAMPLES = size(100, 1000)
_COMMON = [*KEPT_KINDS * 4, *KEPT_REPORTED_KINDS * 3, *SKIPPED_KINDS * 2]
KINDS = {"files": _COMMON + [*FILES_ONLY_KINDS] * 3, "sqlite": _COMMON + [*SQLITE_ONLY_KINDS] * 3}


@dataclass(frozen=True)
class CronPlan:
    era: str
    seed: int
    kinds: list[str]
    faults: list[str]


@st.composite
def cron_plans(draw: st.DrawFn) -> CronPlan:
    era = draw(st.sampled_from(("files", "sqlite")))
    kinds = draw(st.lists(st.sampled_from(KINDS[era]), min_size=40, max_size=80))
    # A store fault hides every job (test_each_store_fault covers them all): one example in five.
    faults = [draw(st.sampled_from(STORE_FAULTS[era]))] if draw(st.integers(0, 4)) == 4 else []
    return CronPlan(era, draw(st.integers(0, 2**32 - 1)), kinds, faults)


@pytest.fixture
def scratch() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="mp-fuzz-cron-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_fuzzed_cron_stores_keep_every_good_job_and_report_every_bad_one(scratch: Path) -> None:
    tally: Counter[str] = Counter()
    outcome: Counter[str] = Counter()

    @fuzz_settings(EXAMPLES)
    @given(cron_plans())
    def one(plan: CronPlan) -> None:
        root = Path(tempfile.mkdtemp(dir=scratch))
        try:
            example = build_cron_example(root, random.Random(plan.seed), plan.era, plan.kinds, plan.faults)
            snapshot, problems = read_cron_example(example)
            verdict = judge_cron(example, snapshot, list(problems))
            assert verdict.errors == [], "\n".join(verdict.errors[:20])
        finally:
            shutil.rmtree(root, ignore_errors=True)
        tally.update(example.cases())
        outcome.update(examples=1, kept=verdict.kept, reported=verdict.reported, covered=verdict.covered)

    one()
    cases = sum(tally.values())
    assert cases >= size(5_000, 50_000)
    record_figures(
        "fuzz_cron",
        {
            "cases_tried": cases,
            "cases_held": cases,
            "examples": outcome["examples"],
            "jobs_kept": outcome["kept"],
            "bad_jobs_or_states_reported_at_their_row": outcome["reported"],
            "jobs_inside_a_reported_store_fault": outcome["covered"],
            "by_kind": dict(sorted(tally.items())),
        },
    )


def test_each_store_fault_is_reported_and_removes_no_job(scratch: Path) -> None:
    """Every store fault, on mixed jobs: reported on the store, snapshot incomplete, what was read right."""
    tally: Counter[str] = Counter()
    for era, faults in STORE_FAULTS.items():
        for fault in faults:
            for seed in range(size(8, 80)):
                rng = random.Random(f"{fault}-{seed}")
                kinds = [rng.choice(KINDS[era]) for _ in range(30)]
                root = Path(tempfile.mkdtemp(dir=scratch))
                try:
                    example = build_cron_example(root, random.Random(seed), era, kinds, [fault])
                    snapshot, problems = read_cron_example(example)
                    verdict = judge_cron(example, snapshot, list(problems))
                    assert verdict.errors == [], f"{fault} seed {seed}:\n" + "\n".join(verdict.errors[:20])
                    assert not snapshot.complete, f"{fault} seed {seed}: snapshot complete"
                    tally[fault] += 1
                    tally["jobs"] += len(example.jobs)
                finally:
                    shutil.rmtree(root, ignore_errors=True)
    tried = sum(tally[f] for faults in STORE_FAULTS.values() for f in faults)
    record_figures(
        "fuzz_cron_store_faults",
        {
            "cases_tried": tried,
            "cases_held": tried,
            "jobs_around_them": tally["jobs"],
            "by_fault": {f: tally[f] for faults in STORE_FAULTS.values() for f in faults},
        },
    )


def test_a_50_mb_cron_store_is_read_or_reported_without_stalling(scratch: Path) -> None:
    """A valid 50 MB jobs.json loads; a broken one is reported at once (no minutes of JSON5)."""
    example = build_cron_example(scratch / "big", random.Random(5), "files", ["job_real"] * 5, [])
    path = example.state / "cron" / "jobs.json"
    data = json.loads(path.read_text())
    data["jobs"][0]["payload"] = {"kind": "agentTurn", "message": "x" * (50 * 1024 * 1024)}
    path.write_text(json.dumps(data))
    started = time.perf_counter()
    snapshot, problems = read_cron_example(example)
    valid_seconds = time.perf_counter() - started
    assert (len(snapshot.jobs), snapshot.complete, len(problems)) == (5, True, 0)
    path.write_bytes(path.read_bytes()[:-3])  # cut short: neither JSON nor JSON5
    assert path.stat().st_size > JSON5_MAX_BYTES
    started = time.perf_counter()
    snapshot, problems = read_cron_example(example)
    broken_seconds = time.perf_counter() - started
    assert (snapshot.jobs, snapshot.complete) == ([], False)
    assert [(p.path, p.message.split(":")[0]) for p in problems] == [("cron/jobs.json", "invalid JSON")]
    assert broken_seconds < 10
    record_figures(
        "fuzz_cron_50mb",
        {
            "cases_tried": 2,
            "cases_held": 2,
            "valid_store_seconds": round(valid_seconds, 2),
            "broken_store_seconds": round(broken_seconds, 2),
        },
    )
