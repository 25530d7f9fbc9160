"""Runs the project's real jobs in process, as the daemon would launch them (for any test folder;
the Dagster tests under defs/ run them through `ProjectRuns`, defs/project.py)."""

from collections.abc import Mapping

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
    tags: Mapping[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    """Execute job `name` with the test's `resources` (and run `tags`, as a schedule's request carries
    them); failures are returned, not raised."""
    run_tags = dict(tags or {})
    if partition_range is not None:
        run_tags["dagster/asset_partition_range_start"] = partition_range[0]
        run_tags["dagster/asset_partition_range_end"] = partition_range[1]
    return defs.resolve_job_def(name).execute_in_process(
        instance=instance,
        partition_key=partition,
        tags=run_tags,
        raise_on_error=False,
        resources=resources.resources(),
    )


def check_results(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    """asset/check name -> evaluation."""
    return {f"{e.asset_key.to_user_string()}/{e.check_name}": e for e in result.get_asset_check_evaluations()}
