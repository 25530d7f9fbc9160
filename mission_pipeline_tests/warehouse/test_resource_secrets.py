"""The database URL fed to the warehouse by SUPABASE_DB_URL (dg.EnvVar) is never shown.

About the environment: the Definitions read SUPABASE_DB_URL through dg.EnvVar. Its password must
not appear in the resource's repr, in what the UI shows of the code location (each resource's
config: the variable's name, not its value), in a run's stored job snapshot, or in a failed run's
event log.
"""

from collections.abc import Callable

import dagster as dg
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster._serdes import serialize_value

from mission_pipeline.defs.env_resources import resources_from_env, warehouse_from_env
from mission_pipeline.defs.ops.alerts import run_failure_alert_sensor
from mission_pipeline.settings import Settings
from mission_pipeline.warehouse.resource import PostgresWarehouse

PASSWORD = "Res0urce-S3cret-pw"  # recognisable, so any leak is found by a plain search
URL = f"postgresql://writer:{PASSWORD}@127.0.0.1:1/postgres?connect_timeout=2"


@dg.asset
def touches_the_database(warehouse: PostgresWarehouse) -> None:
    with warehouse.connect() as conn:
        conn.execute("select 1")


def test_the_url_from_the_environment_is_never_shown(environment: Callable[..., None]) -> None:
    environment(SUPABASE_DB_URL=URL, MISSION_PIPELINE_ENV="production")
    resources = resources_from_env(Settings())
    warehouse = resources["warehouse"]
    assert isinstance(warehouse, PostgresWarehouse)
    assert PASSWORD not in repr(warehouse) and PASSWORD not in str(resources)
    defs = dg.Definitions(assets=[touches_the_database], resources={"warehouse": warehouse})
    # The code server loads the repository with its instance current, as here.
    with dg.instance_for_test() as instance:
        shown = serialize_value(RepositorySnap.from_def(defs.get_repository_def()))
        assert "SUPABASE_DB_URL" in shown  # the UI names the variable that feeds the field
        assert PASSWORD not in shown
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, raise_on_error=False
        )
        assert not result.success  # 127.0.0.1:1 refuses: the error text is searched too
        run = instance.get_run_by_id(result.run_id)
        assert run is not None and run.job_snapshot_id is not None
        snapshot = serialize_value(instance.get_job_snapshot(run.job_snapshot_id))
        events = "\n".join(serialize_value(e) for e in instance.all_logs(result.run_id))
    assert "cannot connect to postgresql://writer@127.0.0.1:1/postgres" in events
    assert PASSWORD not in snapshot and PASSWORD not in events
    assert PASSWORD not in serialize_value(run)


def test_the_webhook_url_is_shown_by_its_variable_only(environment: Callable[..., None]) -> None:
    token = "hook-T0k3n-secret"
    environment(ALERT_WEBHOOK_URL=f"https://hooks.example.com/services/{token}")
    defs = dg.Definitions(sensors=[run_failure_alert_sensor], resources=resources_from_env(Settings()))
    with dg.instance_for_test():
        shown = serialize_value(RepositorySnap.from_def(defs.get_repository_def()))
    assert "ALERT_WEBHOOK_URL" in shown and token not in shown


def test_an_unset_variable_leaves_the_field_at_its_default(environment: Callable[..., None]) -> None:
    environment(SUPABASE_DB_URL=None, MISSION_PIPELINE_ENV=None, MISSION_PIPELINE_DATA_DIR=None)
    warehouse = warehouse_from_env(Settings())
    assert warehouse.database_url is None  # dg.EnvVar would fail every run while it is unset
    assert warehouse.environment == "development" and warehouse.data_dir is None
