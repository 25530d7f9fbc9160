"""The CLI path of `read_cron_jobs`, against a stand-in `openclaw` (the real one needs a Gateway)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mission_pipeline.openclaw.cli import find_openclaw_cli
from mission_pipeline.openclaw.cron.jobs import CronSnapshot, read_cron_jobs
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline_tests.conftest import sample_dir
from mission_pipeline_tests.openclaw._support import FAKE_COMMAND, stand_in_on_path
from mission_pipeline_tests.openclaw.cron.test_cron_jobs import assert_matches_cli_list

SOURCE = {"v2026.9.6": "sqlite", "v2026.5.28": "files"}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Path]:
    """Configure the stand-in; returns the file it logs each call to."""

    def _configure(mode: str, jobs: Path | None = None, page_size: int | None = None) -> Path:
        log = tmp_path / "calls.jsonl"
        monkeypatch.setenv("FAKE_OPENCLAW_MODE", mode)
        monkeypatch.setenv("FAKE_OPENCLAW_LOG", str(log))
        if jobs is not None:
            monkeypatch.setenv("FAKE_OPENCLAW_JOBS", str(jobs))
        if page_size is not None:
            monkeypatch.setenv("FAKE_OPENCLAW_PAGE_SIZE", str(page_size))
        return log

    return _configure


def _calls(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def _recorded_list(version: str) -> Path:
    return sample_dir(version) / "cli" / "cron-list-all.json"


def test_cli_replay(
    copy_sample: Callable[[str], Path], sample_version: str, fake: Callable[..., Path]
) -> None:
    state = copy_sample(sample_version)
    log = fake("replay", _recorded_list(sample_version))
    problems = ProblemLog()
    snapshot = read_cron_jobs(state, cli_command=FAKE_COMMAND, problems=problems)
    assert (snapshot.source, snapshot.complete, snapshot.cli_error) == ("cli", True, None)
    assert "1 page(s)" in snapshot.detail
    assert not problems
    assert_matches_cli_list(snapshot, sample_version)
    assert _calls(log) == [{"argv": ["cron", "list", "--all", "--json"], "state_dir": str(state)}]
    # Same jobs and columns as reading the store directly (raw JSON differs: CLI rows add fields).
    store = read_cron_jobs(state, cli_command=None, problems=problems)
    columns = ("job_id", "name", "schedule", "enabled", "last_run", "next_run", "agent_id", "last_status")

    def as_rows(snap: CronSnapshot) -> list[tuple[Any, ...]]:
        return sorted(tuple(getattr(job, c) for c in columns) for job in snap.jobs)

    assert as_rows(snapshot) == as_rows(store)


def test_cli_pages_through_sample(copy_sample: Callable[[str], Path], fake: Callable[..., Path]) -> None:
    state = copy_sample("v2026.9.6")
    log = fake("paged", _recorded_list("v2026.9.6"), page_size=4)
    snapshot = read_cron_jobs(state, cli_command=FAKE_COMMAND, problems=ProblemLog())
    assert snapshot.source == "cli"
    assert "3 page(s)" in snapshot.detail
    assert_matches_cli_list(snapshot, "v2026.9.6")
    later = [call["argv"] for call in _calls(log)[1:]]
    assert [json.loads(argv[4]) for argv in later] == [
        {"includeDisabled": True, "limit": 200, "offset": 4},
        {"includeDisabled": True, "limit": 200, "offset": 8},
    ]
    assert all(
        argv[:4] == ["gateway", "call", "cron.list", "--params"] and argv[5:] == ["--json"] for argv in later
    )


def test_cli_pages_of_200(
    copy_sample: Callable[[str], Path], fake: Callable[..., Path], tmp_path: Path
) -> None:
    template = json.loads(_recorded_list("v2026.5.28").read_text())
    jobs = []
    for i in range(450):
        job = copy.deepcopy(template["jobs"][i % 4])
        job["id"], job["name"] = f"job-{i:03d}", f"Job {i}"
        jobs.append(job)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"jobs": jobs}))
    log = fake("paged", big)  # the stand-in's default page is 200, like OpenClaw's cap
    snapshot = read_cron_jobs(copy_sample("v2026.5.28"), cli_command=FAKE_COMMAND, problems=ProblemLog())
    assert [job.job_id for job in snapshot.jobs] == [f"job-{i:03d}" for i in range(450)]
    assert len(_calls(log)) == 3
    assert snapshot.complete


@pytest.mark.parametrize(
    ("mode", "page_size", "reason"),
    [
        ("fail", None, "Gateway not reachable at ws://127.0.0.1:18789 (ECONNREFUSED)"),
        ("stuck", 2, "paging did not advance"),
        ("paged", 250, "more than 200"),
    ],
)
def test_cli_failure_falls_back_to_store(
    copy_sample: Callable[[str], Path],
    sample_version: str,
    fake: Callable[..., Path],
    mode: str,
    page_size: int | None,
    reason: str,
    tmp_path: Path,
) -> None:
    jobs = _recorded_list(sample_version)
    if page_size == 250:  # a page larger than OpenClaw ever sends
        data = json.loads(jobs.read_text())
        data["jobs"] = [{**data["jobs"][0], "id": f"j{i}"} for i in range(260)]
        jobs = tmp_path / "oversized.json"
        jobs.write_text(json.dumps(data))
    fake(mode, jobs, page_size)
    problems = ProblemLog()
    snapshot = read_cron_jobs(copy_sample(sample_version), cli_command=FAKE_COMMAND, problems=problems)
    assert snapshot.source == SOURCE[sample_version]
    assert snapshot.complete
    assert snapshot.cli_error is not None
    assert reason in snapshot.cli_error
    assert snapshot.detail.startswith("CLI failed (")
    assert reason in snapshot.detail
    assert_matches_cli_list(snapshot, sample_version)


def test_cli_that_cannot_start_falls_back(copy_sample: Callable[[str], Path], tmp_path: Path) -> None:
    snapshot = read_cron_jobs(
        copy_sample("v2026.9.6"), cli_command=[str(tmp_path / "no-such-openclaw")], problems=ProblemLog()
    )
    assert snapshot.source == "sqlite"
    assert snapshot.cli_error
    assert "could not start" in snapshot.cli_error


def test_stand_in_found_on_path(
    copy_sample: Callable[[str], Path],
    fake: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    launcher = stand_in_on_path(tmp_path / "bin", monkeypatch)
    fake("replay", _recorded_list("v2026.5.28"))
    command = find_openclaw_cli("auto")
    assert command == [str(launcher)]
    snapshot = read_cron_jobs(copy_sample("v2026.5.28"), cli_command=command, problems=ProblemLog())
    assert snapshot.source == "cli"
    assert len(snapshot.jobs) == 4
