"""Runs the project's real jobs in process, as the daemon would launch them."""

from typing import Any

import dagster as dg

from mission_pipeline.definitions import defs
from mission_pipeline_tests.fixtures.pipeline import PipelineResources


def run_job(
    name: str,
    *,
    instance: dg.DagsterInstance,
    resources: PipelineResources,
    partition: str | None = None,
    partition_range: tuple[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    """Execute job `name` with the test's `resources`; failures are returned, not raised."""
    tags: dict[str, str] = {}
    if partition_range is not None:
        tags = {
            "dagster/asset_partition_range_start": partition_range[0],
            "dagster/asset_partition_range_end": partition_range[1],
        }
    return defs.resolve_job_def(name).execute_in_process(
        instance=instance,
        partition_key=partition,
        tags=tags,
        raise_on_error=False,
        resources=resources.resources(),
    )


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    """asset/check name -> evaluation."""
    return {f"{e.asset_key.to_user_string()}/{e.check_name}": e for e in result.get_asset_check_evaluations()}


def usage_sensor_tick(instance: dg.DagsterInstance, cursor: str | None, resources: PipelineResources) -> Any:
    """One evaluation of the usage sensor as the daemon runs it: run requests, skip message, cursor."""
    with dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        repository_def=defs.get_repository_def(),
        resources=resources.resources(),
    ) as context:
        return defs.get_sensor_def("openclaw_usage_sensor").evaluate_tick(context)


def materialize(
    keys: list[str],
    *,
    instance: dg.DagsterInstance,
    resources: PipelineResources,
    partition: str | None = None,
    raise_on_error: bool = True,
) -> dg.ExecuteInProcessResult:
    """Materialize the assets `keys` of the project's definitions (with their checks), as from the UI."""
    assets = [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)]
    return dg.materialize(
        [*assets, *(defs.asset_checks or [])],
        selection=[dg.AssetKey(key) for key in keys],
        partition_key=partition,
        instance=instance,
        resources=resources.resources(),
        raise_on_error=raise_on_error,
    )
