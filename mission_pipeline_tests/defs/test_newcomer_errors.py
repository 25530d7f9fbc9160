"""The errors a newcomer meets first: one clear line, no retries of what waiting cannot fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from mission_pipeline.cli import main
from mission_pipeline.warehouse.database import WarehouseConnectionError, WarehouseError
from mission_pipeline.warehouse.transient import is_transient
from mission_pipeline_tests.defs.project import ProjectRuns

DAY = "2026-11-27"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("USAGE_TIMEZONE", "Mars/Base", "USAGE_TIMEZONE='Mars/Base' is not valid: unknown time zone "
         "'Mars/Base'; expected an IANA time zone name such as UTC or Europe/Berlin"),
        ("DB_RETRY_DELAY_SECONDS", "abc", "DB_RETRY_DELAY_SECONDS='abc' is not valid: Input should be a "
         "valid number, unable to parse string as a number; expected a number of seconds from 0 to 3600"),
        ("MISSION_PIPELINE_ENV", "prod", "MISSION_PIPELINE_ENV='prod' is not valid: Input should be "
         "'development' or 'production'; expected development or production"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_one_line_naming_the_variable(
    variable: str,
    value: str,
    expected: str,
    environment: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    environment(**{variable: value})  # the CLI reads its settings from the environment
    for command in (["migrate"], ["run"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err == f"mission-pipeline: {expected}\n"
        assert "Traceback" not in err


def test_a_secret_setting_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    from mission_pipeline.settings import SettingsError, load_settings

    monkeypatch.setenv("SUPABASE_SERVICE_ROLE_KEY", "x" * 20)
    monkeypatch.setenv("MISSION_PIPELINE_ENV", "prod")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "x" * 20 not in str(raised.value)


def test_only_database_hiccups_count_as_transient() -> None:
    assert is_transient(WarehouseConnectionError("cannot connect"))
    assert is_transient(psycopg.OperationalError("server closed the connection unexpectedly"))
    assert not is_transient(WarehouseError("migration failed"))
    assert not is_transient(FileNotFoundError("/nonexistent.toml"))
    assert not is_transient(psycopg.errors.UniqueViolation("duplicate key"))
    wrapped = RuntimeError("while writing")
    wrapped.__cause__ = psycopg.OperationalError("terminating connection due to administrator command")
    assert is_transient(wrapped)


def test_a_missing_pricing_file_fails_at_once_without_retries(project: ProjectRuns) -> None:
    project.use_sample("v2026.9.6")
    project.resources.pricing_file = Path("/nonexistent.toml")
    result = project.run("usage_job", partition=DAY)
    assert not result.success
    retried = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
    assert retried == []
    failures = [e for e in result.all_events if e.is_step_failure]
    assert {e.step_key for e in failures} == {"agent_usage_rollups"}  # both usage tables, one step
    for failure in failures:
        data = failure.step_failure_data
        assert data is not None and data.error is not None
        assert "/nonexistent.toml" in data.error.message
        assert "not retried: waiting cannot fix it" in data.error.message


def test_doctor_refuses_a_workspace_file_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--workspace", "/nonexistent.yaml"]) == 1
    assert "FAIL  workspace   /nonexistent.yaml: no such file" in capsys.readouterr().out
