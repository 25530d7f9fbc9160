"""`mission-pipeline doctor`: what it tells an operator, when it fails, and that it never shows a secret."""

import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dagster as dg
import pytest
from dagster._core.scheduler.instigation import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    ScheduleInstigatorData,
)
from dagster._daemon.types import DaemonHeartbeat

from mission_pipeline.cli import main
from mission_pipeline.doctor import (
    describe_storage_url,
    run,
    sqlalchemy_driver,
    supabase_connection_mode,
    uses_transaction_pooler,
)
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.deploy.conftest import (
    DAGSTER_ROLE_PASSWORD,
    PRODUCTION_YAML,
    REPO,
    DagsterDatabase,
)
from mission_pipeline_tests.deploy.gateways_harness import free_port
from mission_pipeline_tests.deploy.instigators import instigator_origin
from mission_pipeline_tests.deploy.test_gateway_code_server import serving_gateway

WORKSPACE = REPO / "workspace.yaml"


@pytest.fixture
def doctor_env(
    pipeline_env: DatabaseTarget,
    copy_sample: Callable[[str], Path],
    environment: Callable[..., None],
    tmp_path: Path,
) -> DatabaseTarget:
    """A migrated database as SUPABASE_DB_URL, the 2026.9.6 sample as OpenClaw's state, no DAGSTER_HOME.

    The doctor checks the deployment's environment, so these tests set it.
    """
    environment(
        SUPABASE_DB_URL=pipeline_env.url,
        MISSION_PIPELINE_DATA_DIR=str(tmp_path / "data"),
        MISSION_PIPELINE_ENV="development",
        OPENCLAW_STATE_DIR=str(copy_sample("v2026.9.6")),
        OPENCLAW_CLI="off",
        DAGSTER_HOME=None,
    )
    return pipeline_env


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DAGSTER_HOME with the repository's local dagster.yaml (SQLite storage)."""
    home = tmp_path / "dagster-home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def heartbeat(home: Path, age: float = 0.0) -> None:
    """Every daemon the instance needs reports in, `age` seconds ago."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for daemon_type in instance.get_required_daemon_types():
            instance.add_daemon_heartbeat(DaemonHeartbeat(time.time() - age, daemon_type, None, None))


def line_of(report: str, topic: str) -> str:
    """The report's headline for `topic`."""
    return next(line for line in report.splitlines() if re.match(rf"\s+\S+\s+{topic}\s", line))


def test_one_screen_with_database_era_cron_store_and_agents(doctor_env: DatabaseTarget) -> None:
    report, status = run(WORKSPACE)
    assert status == 0, report
    assert len(report.splitlines()) <= 30
    assert doctor_env.description in line_of(report, "database")
    assert line_of(report, "database").lstrip().startswith("ok")
    assert "current:" in line_of(report, "migrations")
    assert "storage era: SQLite (OpenClaw ≥ 2026.7.2): 5 agent databases, 1 archived transcript" in report
    assert "cron store: SQLite (state/openclaw.sqlite)" in report
    assert "OpenClaw CLI: not used (off)" in report
    assert "5: amber, atlas, dash, main (default), max" in line_of(report, "agents")
    assert "DAGSTER_HOME is not set" in line_of(report, "dagster")


def test_file_era_state(
    doctor_env: DatabaseTarget, copy_sample: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(copy_sample("v2026.5.28")))
    report, status = run(WORKSPACE)
    assert status == 0, report
    assert "storage era: JSONL files (OpenClaw ≤ 2026.7.1)" in report
    assert "cron store: JSON files (cron/jobs.json)" in report
    assert "amber, atlas, dash, main" in line_of(report, "agents")


def test_cron_store_configured_elsewhere_is_read(
    doctor_env: DatabaseTarget, copy_sample: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Doctor finds the cron jobs where `cron.store` puts them, as the pipeline does."""
    state = copy_sample("v2026.5.28")
    (state / "cron").rename(state / "schedules")
    config = json.loads((state / "openclaw.json").read_text())
    config["cron"] = {**config.get("cron", {}), "store": "schedules/jobs.json"}
    (state / "openclaw.json").write_text(json.dumps(config))
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    report, status = run(WORKSPACE)
    assert status == 0, report
    assert "cron store: JSON files (schedules/jobs.json), 4 jobs" in report
    assert "(incomplete)" not in report


def test_secrets_are_never_printed(
    doctor_env: DatabaseTarget, dagster_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = urlsplit(doctor_env.url)
    user_host = parts.netloc.replace(":@", "@")
    with_password = urlunsplit(parts._replace(netloc=user_host.replace("@", ":Db-pw-0f-the-ops@", 1)))
    secrets = {
        "SUPABASE_DB_URL": with_password,
        "SUPABASE_SERVICE_ROLE_KEY": "service-role-key-3f9a8b7c",
        "ALERT_WEBHOOK_URL": "https://hooks.example.com/services/T0/B1/hook-token-77",
        "DAGSTER_PG_PASSWORD": "dagster-pw-5e6d",
    }
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    report, _status = run(WORKSPACE)
    for leaked in ("Db-pw-0f-the-ops", "service-role-key-3f9a8b7c", "hook-token-77", "dagster-pw-5e6d"):
        assert leaked not in report
    assert line_of(report, "database").lstrip().startswith("ok")


def test_unreachable_database_fails_without_its_password(
    doctor_env: DatabaseTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPABASE_DB_URL", "postgresql://postgres.abcdef:Unreach4ble-pw@127.0.0.1:9/postgres")
    report, status = run(WORKSPACE)
    assert status == 1
    assert line_of(report, "database").lstrip().startswith("FAIL")
    assert "postgresql://postgres.abcdef@127.0.0.1:9/postgres" in report
    assert "Unreach4ble-pw" not in report
    assert "not checked" in line_of(report, "migrations")


@pytest.mark.parametrize(("auto_migrate", "expected"), [("false", 1), ("true", 0)])
def test_pending_migrations(
    doctor_env: DatabaseTarget,
    empty_database: DatabaseTarget,
    monkeypatch: pytest.MonkeyPatch,
    auto_migrate: str,
    expected: int,
) -> None:
    """Pending migrations fail the check unless the pipeline applies them itself before writing."""
    monkeypatch.setenv("SUPABASE_DB_URL", empty_database.url)
    monkeypatch.setenv("AUTO_MIGRATE", auto_migrate)
    report, status = run(WORKSPACE)
    assert status == expected, report
    headline = line_of(report, "migrations")
    assert "not applied" in headline
    assert headline.lstrip().startswith("FAIL" if expected else "WARN")
    assert "pending: " in report


def test_production_without_supabase_url_fails(
    doctor_env: DatabaseTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUPABASE_DB_URL")
    monkeypatch.setenv("MISSION_PIPELINE_ENV", "production")
    report, status = run(WORKSPACE)
    assert status == 1
    assert "MISSION_PIPELINE_ENV=production but SUPABASE_DB_URL is not set" in line_of(report, "database")


def test_missing_state_dir_fails(
    doctor_env: DatabaseTarget, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(tmp_path / "nowhere"))
    report, status = run(WORKSPACE)
    assert status == 1
    assert "no such directory" in line_of(report, "openclaw")


def test_daemon_down(doctor_env: DatabaseTarget, dagster_home: Path) -> None:
    report, status = run(WORKSPACE)
    assert status == 1
    assert "not running: no daemon heartbeat" in line_of(report, "daemon")
    assert "the daemon is down" in line_of(report, "schedules")
    assert "the daemon is down" in line_of(report, "sensors")


def test_daemon_silent_for_minutes(doctor_env: DatabaseTarget, dagster_home: Path) -> None:
    heartbeat(dagster_home, age=600)
    report, status = run(WORKSPACE)
    assert status == 1
    assert "not running" in line_of(report, "daemon")
    assert "10 min ago" in line_of(report, "daemon")


def test_daemon_running_with_every_schedule_and_sensor(
    doctor_env: DatabaseTarget, dagster_home: Path
) -> None:
    from mission_pipeline.definitions import defs

    heartbeat(dagster_home)
    report, status = run(WORKSPACE)
    assert status == 0, report
    assert line_of(report, "daemon").lstrip().startswith("ok")
    repository = defs.get_repository_def()
    schedules = [s.name for s in repository.schedule_defs]
    sensors = [s.name for s in repository.sensor_defs]
    assert f"{len(schedules)} of {len(schedules)} running" in line_of(report, "schedules")
    assert f"{len(sensors)} of {len(sensors)} running" in line_of(report, "sensors")
    for name in schedules + sensors:
        assert re.search(rf"^\s+{name}\s+on ", report, re.MULTILINE), name
    assert "run queue: at most 4 runs, one per partition" in report


def test_schedule_stopped_in_the_ui_fails(doctor_env: DatabaseTarget, dagster_home: Path) -> None:
    heartbeat(dagster_home)
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        instance.add_instigator_state(
            InstigatorState(
                instigator_origin("cron_schedule"),
                InstigatorType.SCHEDULE,
                InstigatorStatus.STOPPED,
                ScheduleInstigatorData("*/5 * * * *"),
            )
        )
    report, status = run(WORKSPACE)
    assert status == 1
    assert line_of(report, "schedules").lstrip().startswith("FAIL")
    assert re.search(r"cron_schedule\s+off \(stopped in the UI\)", report)


def test_production_instance_on_postgres(
    doctor_env: DatabaseTarget,
    dagster_database: DagsterDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With deploy/dagster.production.yaml the storage is shown as a Postgres target, password hidden."""
    home = tmp_path / "prod-home"
    home.mkdir()
    shutil.copy(PRODUCTION_YAML, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in dagster_database.env.items():
        monkeypatch.setenv(name, value)
    heartbeat(home)
    report, status = run(WORKSPACE)
    assert status == 0, report
    headline = line_of(report, "dagster")
    assert "storage on Postgres: postgresql+psycopg2://dagster_" in headline
    assert DAGSTER_ROLE_PASSWORD not in report


def test_cli_subcommand(doctor_env: DatabaseTarget, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--workspace", str(WORKSPACE)]) == 0
    assert capsys.readouterr().out.startswith("mission-pipeline doctor")


def test_code_location_that_does_not_load_fails(
    doctor_env: DatabaseTarget, dagster_home: Path, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(
        "load_from:\n  - python_module:\n      module_name: mission_pipeline.no_such_module\n"
    )
    heartbeat(dagster_home)
    report, status = run(workspace)
    assert status == 1
    assert "code location does not load" in line_of(report, "schedules")


@pytest.mark.parametrize(
    ("url", "mode", "pooler"),
    [
        (
            "postgresql://postgres:pw@db.abcdefgh.supabase.co:5432/postgres",
            "Supabase direct connection",
            False,
        ),
        (
            "postgresql://postgres.abcdefgh:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres",
            "Supabase session pooler",
            False,
        ),
        (
            "postgresql://postgres.abcdefgh:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
            "Supabase transaction pooler",
            True,
        ),
        ("postgresql://u:pw@db.internal:6432/app?pgbouncer=true", None, True),
        ("postgresql://u:pw@db.internal:5432/app", None, False),
    ],
)
def test_connection_modes(url: str, mode: str | None, pooler: bool) -> None:
    assert supabase_connection_mode(url) == mode
    assert uses_transaction_pooler(url) is pooler


def test_sqlalchemy_driver_of_dagster_storage_urls() -> None:
    """SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3; the production file names psycopg2."""
    assert sqlalchemy_driver("postgresql+psycopg2://u:p@h:5432/d") == "psycopg2"
    assert sqlalchemy_driver("postgresql://u:p@h:5432/d") == "psycopg"


def test_storage_url_with_a_slash_in_its_password() -> None:
    """Dagster quotes passwords leaving "/" as is; the report still names user, host and database only."""
    url = (
        "postgresql+psycopg2://dagster.abcdef:pw%3A7/x%40y@aws-0-eu-west-1.pooler.supabase.com:6543/postgres"
    )
    shown, pooler = describe_storage_url(url)
    assert shown == "postgresql+psycopg2://dagster.abcdef@aws-0-eu-west-1.pooler.supabase.com:6543/postgres"
    assert pooler


def test_a_central_workspace_checks_every_gateway_and_names_the_one_that_does_not_answer(
    doctor_env: DatabaseTarget, dagster_home: Path, tmp_path: Path
) -> None:
    dead_port = free_port()  # nothing listens there: a gateway whose host is down
    with serving_gateway("vps2", dagster_home) as vps2:
        workspace = tmp_path / "workspace.yaml"
        workspace.write_text(
            "load_from:\n"
            "  - python_module:\n      module_name: mission_pipeline.definitions\n"
            "      location_name: mission_pipeline\n"
            f"  - grpc_server:\n      host: 127.0.0.1\n      port: {vps2.port}\n      location_name: vps2\n"
            f"  - grpc_server:\n      host: 127.0.0.1\n      port: {dead_port}\n      location_name: vps3\n"
        )
        heartbeat(dagster_home)
        report, status = run(workspace)
    assert status == 1, report
    for location in ("mission_pipeline", "vps2"):
        for topic in ("schedules", "sensors"):
            line = line_of(report, re.escape(f"{topic} ({location})"))
            assert line.lstrip().startswith("ok") and " running" in line, line
    dead = line_of(report, re.escape("schedules (vps3)"))
    assert dead.lstrip().startswith("FAIL")
    assert f"code location vps3 at 127.0.0.1:{dead_port} does not answer" in dead
