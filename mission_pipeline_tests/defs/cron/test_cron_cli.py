"""cron_job's CLI path: a stand-in `openclaw` on PATH, a failing one, and the real CLI without a Gateway."""

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from mission_pipeline_tests.conftest import sample_dir
from mission_pipeline_tests.defs.domain_support import SOURCE, expected_rows, metadata
from mission_pipeline_tests.defs.project import ProjectRuns
from mission_pipeline_tests.openclaw._support import stand_in_on_path

REAL_CLI = Path(__file__).parents[3] / ".openclaw-cli" / "bin" / "openclaw"
_ROWS = "select job_id, name, enabled, schedule, last_run, next_run from cron_jobs order by job_id"


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: ProjectRuns) -> Callable[..., Path]:
    """An `openclaw` executable on PATH running the stand-in; returns its call log."""
    wrapper = stand_in_on_path(tmp_path / "bin", monkeypatch)

    def _configure(version: str, mode: str, *, setting: str = "auto", page_size: int | None = None) -> Path:
        log = tmp_path / "calls.jsonl"
        monkeypatch.setenv("FAKE_OPENCLAW_MODE", mode)
        monkeypatch.setenv("FAKE_OPENCLAW_JOBS", str(sample_dir(version) / "cli" / "cron-list-all.json"))
        monkeypatch.setenv("FAKE_OPENCLAW_LOG", str(log))
        if page_size is not None:
            monkeypatch.setenv("FAKE_OPENCLAW_PAGE_SIZE", str(page_size))
        project.resources.cli = str(wrapper) if setting == "path" else setting
        return log

    return _configure


def test_the_cli_on_path_is_the_source(
    sample_version: str, project: ProjectRuns, stand_in: Callable[..., Path]
) -> None:
    state = project.use_sample(sample_version)
    log = stand_in(sample_version, "replay")
    result = project.run("cron_job")
    assert result.success
    assert project.query(_ROWS) == expected_rows(sample_version)
    meta = metadata(result, "cron_jobs")
    assert (meta["source"], meta["complete"]) == ("cli", True)
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls == [{"argv": ["cron", "list", "--all", "--json"], "state_dir": str(state)}]


def test_openclaw_cli_may_name_the_executable_and_pages_are_followed(
    project: ProjectRuns, stand_in: Callable[..., Path]
) -> None:
    project.use_sample("v2026.9.6")
    log = stand_in("v2026.9.6", "paged", setting="path", page_size=4)
    result = project.run("cron_job")
    assert result.success
    assert project.query(_ROWS) == expected_rows("v2026.9.6")
    assert "3 page(s)" in metadata(result, "cron_jobs")["source_detail"]
    assert len(log.read_text().splitlines()) == 3


def test_a_failing_cli_falls_back_to_the_store(
    sample_version: str, project: ProjectRuns, stand_in: Callable[..., Path]
) -> None:
    project.use_sample(sample_version)
    stand_in(sample_version, "fail")
    result = project.run("cron_job")
    assert result.success
    assert project.query(_ROWS) == expected_rows(sample_version)
    meta = metadata(result, "cron_jobs")
    assert meta["source"] == SOURCE[sample_version]
    assert "CLI failed" in meta["source_detail"]
    assert "Gateway not reachable" in meta["source_detail"]
    assert any("Gateway not reachable" in m for m in project.logged(result))


def assert_read_from_the_store(project: ProjectRuns, cli: str, why: str) -> None:
    """With OPENCLAW_CLI=`cli`, cron_job on the sqlite sample reads every job from the store, saying `why`."""
    project.resources.cli = cli
    result = project.run("cron_job")
    assert result.success
    meta = metadata(result, "cron_jobs")
    assert meta["source"] == "sqlite"
    assert why in meta["source_detail"]
    assert project.query(_ROWS) == expected_rows("v2026.9.6")


def test_an_openclaw_cli_that_is_no_executable_falls_back_to_the_store(
    project: ProjectRuns, tmp_path: Path
) -> None:
    project.use_sample("v2026.9.6")
    assert_read_from_the_store(project, str(tmp_path / "no-such-openclaw"), "CLI unusable (OPENCLAW_CLI=")


def _gateway_listening() -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 18789)) == 0


@pytest.mark.contract
def test_the_real_cli_without_a_gateway_falls_back_to_the_store(
    project: ProjectRuns, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not os.access(REAL_CLI, os.X_OK):
        pytest.skip("OpenClaw CLI not installed: run scripts/install-openclaw-cli.sh")
    if _gateway_listening():
        pytest.skip("a Gateway listens on 127.0.0.1:18789: this test needs none")
    project.use_sample("v2026.9.6")
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # never the real ~/.openclaw
    monkeypatch.delenv("OPENCLAW_HOME", raising=False)
    monkeypatch.delenv("OPENCLAW_CONFIG_PATH", raising=False)
    for name in ("OC_MOCK_ANTHROPIC_KEY", "OC_FIXTURE_GATEWAY_TOKEN"):  # referenced by openclaw.json
        monkeypatch.setenv(name, "unused-in-this-test")
    assert_read_from_the_store(project, str(REAL_CLI), "Gateway not reachable")
