"""`mission-pipeline run`: the bundled sample never reaches a real database; history comes from calls."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mission_pipeline.cli import main
from mission_pipeline.run_once import SAMPLE_DATABASE, usage_day_range
from mission_pipeline.settings import Settings, get_settings
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.embedded import start_embedded_postgres, stop_embedded_postgres
from mission_pipeline_tests.fixtures.postgres import query

TABLES = (
    "agent_usage", "agent_usage_by_model", "openclaw_usage_events", "openclaw_session_dumps",
    "cron_jobs", "cron_job_runs", "agent_workspaces",
)  # fmt: skip


def row_counts(target: DatabaseTarget) -> dict[str, int]:
    return {t: query(target, f"select count(*) from {t}")[0][0] for t in TABLES}


@pytest.fixture
def no_openclaw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home with no OpenClaw in it and nothing configured: the situation of a fresh machine."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("OPENCLAW_STATE_DIR", "OPENCLAW_HOME", "OPENCLAW_CONFIG_PATH", "SUPABASE_DB_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("OPENCLAW_CLI", "off")
    monkeypatch.setenv("MISSION_PIPELINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def test_a_typo_in_production_writes_nothing_and_says_where_the_path_came_from(
    pipeline_env: DatabaseTarget,
    no_openclaw: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SUPABASE_DB_URL", pipeline_env.url)
    monkeypatch.setenv("MISSION_PIPELINE_ENV", "production")
    monkeypatch.setenv("OPENCLAW_STATE_DIR", "/srv/openclaw-typo")
    get_settings.cache_clear()
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "/srv/openclaw-typo (from OPENCLAW_STATE_DIR): no such directory" in err
    assert "set OPENCLAW_STATE_DIR to" not in err.lower().split("/srv/openclaw-typo")[0]
    assert set(row_counts(pipeline_env).values()) == {0}


@pytest.mark.parametrize("configured", ["SUPABASE_DB_URL", "OPENCLAW_STATE_DIR", "OPENCLAW_HOME"])
def test_no_sample_when_anything_is_configured(
    configured: str,
    pipeline_env: DatabaseTarget,
    no_openclaw: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    if configured == "SUPABASE_DB_URL":
        monkeypatch.setenv("SUPABASE_DB_URL", pipeline_env.url)
        where = f"{no_openclaw / '.openclaw'} (OpenClaw's default under $HOME)"
    elif configured == "OPENCLAW_STATE_DIR":
        monkeypatch.setenv("OPENCLAW_STATE_DIR", str(tmp_path / "typo"))
        where = f"{tmp_path / 'typo'} (from OPENCLAW_STATE_DIR)"
    else:
        monkeypatch.setenv("OPENCLAW_HOME", str(tmp_path / "oh"))
        where = f"{tmp_path / 'oh' / '.openclaw'} (OPENCLAW_HOME={tmp_path / 'oh'})"
    get_settings.cache_clear()
    assert main(["run"]) == 2
    assert where in capsys.readouterr().err
    assert set(row_counts(pipeline_env).values()) == {0}
    # Refused before any database is touched: no embedded server was even started.
    assert not (tmp_path / "data" / "postgres").exists()


def test_an_empty_state_directory_is_refused(
    no_openclaw: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mount = tmp_path / "mnt" / "openclaw"
    mount.mkdir(parents=True)
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(mount))
    get_settings.cache_clear()
    assert main(["run"]) == 2
    assert f"{mount} (from OPENCLAW_STATE_DIR): is empty: not an OpenClaw state directory" in (
        capsys.readouterr().err
    )


def test_with_nothing_configured_the_sample_goes_to_a_database_of_its_own(
    no_openclaw: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pgdata = tmp_path / "data" / "postgres"
    try:
        assert main(["run"]) == 0
        out = capsys.readouterr().out
        assert "SAMPLE DATA: the sample written by OpenClaw 2026.9.6" in out
        assert f"embedded database {SAMPLE_DATABASE}" in out
        sample = DatabaseTarget.from_url(start_embedded_postgres(pgdata, SAMPLE_DATABASE))
        assert row_counts(sample)["openclaw_usage_events"] == 54
        own = DatabaseTarget.from_url(start_embedded_postgres(pgdata))
        # The user's own database holds no table of the pipeline, let alone a sample row.
        assert query(own, "select to_regclass('public.agent_usage')") == [(None,)]
    finally:
        stop_embedded_postgres(pgdata)


def test_history_starts_at_the_earliest_call_not_at_the_files_times(
    copy_sample: Callable[[str], Path], sample_version: str
) -> None:
    state = copy_sample(sample_version)
    # `cp -r` (or a clone) gives every file the time of the copy, months after the calls.
    copied = dt.datetime(2027, 6, 1, tzinfo=dt.UTC).timestamp()
    for path in state.rglob("*"):
        os.utime(path, (copied, copied), follow_symlinks=False)
    first, last, why = usage_day_range(state, Settings(), dt.date(2027, 6, 1))
    assert (first, last, why) == ("2026-11-27", "2027-06-01", "the earliest call")


def test_a_source_naming_no_time_falls_back_to_the_start_date(copy_sample: Callable[[str], Path]) -> None:
    state = copy_sample("v2026.5.28")
    sessions = state / "agents" / "max" / "sessions"
    (sessions / "0badc0de-0000-4000-8000-000000000000.jsonl").write_text('{"type":"message"}\n')
    first, _, why = usage_day_range(state, Settings(), dt.date(2027, 6, 1))
    assert first == Settings().usage_start_date.isoformat()
    assert why.startswith("USAGE_START_DATE: no call time could be read from agents/max/sessions/0badc0de")


def test_the_run_reads_a_copied_state_dir_in_full(
    copy_sample: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    environment: Callable[..., None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    state = copy_sample("v2026.5.28")
    for path in state.rglob("*"):  # the time of the copy, whatever day the test runs on
        os.utime(path, None, follow_symlinks=False)
    # `mission-pipeline run` is configured by the environment, as an operator configures it.
    environment(
        SUPABASE_DB_URL=pipeline_env.url, OPENCLAW_STATE_DIR=str(state), OPENCLAW_CLI="off", DAGSTER_HOME=None
    )
    assert main(["run"]) == 0
    assert "Usage days 2026-11-27 .. " in capsys.readouterr().out
    assert query(pipeline_env, "select sum(message_count) from agent_usage") == [(54,)]


def test_the_run_prices_with_the_pricing_file_the_environment_names(
    copy_sample: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    environment: Callable[..., None],
    tmp_path: Path,
) -> None:
    prices = tmp_path / "team-prices.toml"
    shipped = Path(__file__).parents[2] / "mission_pipeline" / "pricing" / "prices.toml"
    prices.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    environment(
        SUPABASE_DB_URL=pipeline_env.url,
        OPENCLAW_STATE_DIR=str(copy_sample("v2026.9.6")),
        OPENCLAW_CLI="off",
        DAGSTER_HOME=None,
        PRICING_FILE=str(prices),
    )
    assert main(["run"]) == 0
    sources = query(
        pipeline_env, "select distinct price_source from agent_usage_by_model where price_source is not null"
    )
    assert sources == [(str(prices),)]


def test_a_gateway_runs_every_job_under_its_own_asset_keys(
    copy_sample: Callable[[str], Path], pipeline_env: DatabaseTarget, tmp_path: Path
) -> None:
    """OPENCLAW_GATEWAY_ID is read when the definitions load, so it takes a process of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPABASE", "OPENCLAW", "DAGSTER"))}
    env.update(
        SUPABASE_DB_URL=pipeline_env.url,
        OPENCLAW_STATE_DIR=str(copy_sample("v2026.9.6")),
        OPENCLAW_CLI="off",
        OPENCLAW_GATEWAY_ID="vps2",
        MISSION_PIPELINE_DATA_DIR=str(tmp_path / "data"),
    )
    command = [str(Path(sys.executable).with_name("mission-pipeline")), "run"]
    run = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert query(pipeline_env, "select distinct gateway_id from openclaw_usage_events") == [("vps2",)]
    agents = query(pipeline_env, "select agent_id, sum(message_count) from agent_usage group by 1 order by 1")
    assert agents and all(agent.startswith("vps2:") for agent, _ in agents)
    assert sum(int(calls) for _, calls in agents) == 54
    for table, column in (("cron_jobs", "job_id"), ("agent_workspaces", "agent_id")):
        ids = [value for (value,) in query(pipeline_env, f"select {column} from {table}")]
        assert ids and all(value.startswith("vps2:") for value in ids), table
