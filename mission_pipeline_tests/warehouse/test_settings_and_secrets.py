"""Secrets stay out of reprs, descriptions and errors; production refuses the embedded fallback."""

from pathlib import Path

import pytest

from mission_pipeline.redaction import describe_target, redact, url_secrets
from mission_pipeline.settings import Settings
from mission_pipeline.warehouse.database import (
    DatabaseTarget,
    ProductionConfigError,
    WarehouseConnectionError,
    resolve_target,
)
from mission_pipeline.warehouse.resource import PostgresWarehouse
from mission_pipeline_tests.fixtures.fake_secrets import fake_service_role_key

PASSWORD = "Sup3r-S3cret!pw"  # recognisable, so any leak is found by a plain search
URL = f"postgresql://postgres.abcdefgh:{PASSWORD}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres"


def test_settings_and_targets_never_show_the_password() -> None:
    key = fake_service_role_key()
    settings = Settings(supabase_db_url=URL, supabase_service_role_key=key)
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert PASSWORD not in text
        assert key not in text
    target = DatabaseTarget.from_url(URL)
    assert PASSWORD not in repr(target)
    assert target.description == (
        "postgresql://postgres.abcdefgh@aws-0-eu-central-1.pooler.supabase.com:6543/postgres"
    )


def test_the_transaction_pooler_is_detected() -> None:
    assert DatabaseTarget.from_url(URL).transaction_pooler
    assert not DatabaseTarget.from_url(URL.replace(":6543", ":5432")).transaction_pooler
    # Prisma-style switch libpq would reject: recognised, then dropped.
    flagged = DatabaseTarget.from_url(URL.replace(":6543/postgres", ":5432/postgres?pgbouncer=true"))
    assert flagged.transaction_pooler
    assert "pgbouncer" not in flagged.url


def test_redaction_masks_known_and_unknown_passwords() -> None:
    secrets = url_secrets(URL)
    assert PASSWORD in secrets
    assert PASSWORD not in redact(f"failed: {URL}", secrets)
    # A URL the process did not know about still loses its password.
    assert redact("dsn postgresql://u:other@h/db", []) == "dsn postgresql://u:***@h/db"
    assert redact("host=h password='quoted pw' dbname=d", []) == "host=h password=*** dbname=d"
    assert describe_target("postgresql://u:p%40ss@h:5432/db?sslmode=require") == "postgresql://u@h:5432/db"


def test_a_failed_connection_names_the_target_without_the_password() -> None:
    target = DatabaseTarget.from_url(
        f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/postgres?connect_timeout=2"
    )
    with pytest.raises(WarehouseConnectionError) as failure:
        target.connect()
    message = str(failure.value)
    assert "cannot connect to postgresql://postgres@127.0.0.1:1/postgres" in message
    assert PASSWORD not in message
    assert failure.value.__cause__ is None and failure.value.__suppress_context__


def test_production_refuses_to_fall_back_to_the_embedded_database(tmp_path: Path) -> None:
    with pytest.raises(ProductionConfigError, match="SUPABASE_DB_URL is not set"):
        resolve_target(None, production=True, embedded_pgdata=tmp_path / "pgdata")
    warehouse = PostgresWarehouse(environment="production", data_dir=str(tmp_path))
    with pytest.raises(ProductionConfigError, match="SUPABASE_DB_URL is not set"):
        warehouse.resolve()
    assert not (tmp_path / "postgres").exists()  # no embedded server was started


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        Settings(usage_timezone="Mars/Olympus")
