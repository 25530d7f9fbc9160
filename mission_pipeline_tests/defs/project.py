"""`ProjectRuns`: what a Dagster test works with, so the test itself says only what it is about."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from mission_pipeline.definitions import defs
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.defs.domain_support import logged
from mission_pipeline_tests.defs.jobs import run_job
from mission_pipeline_tests.fixtures.pipeline import PipelineResources
from mission_pipeline_tests.fixtures.postgres import query


@dataclass
class ProjectRuns:
    """One test's Dagster instance, resources and database: runs the project's jobs as the daemon would.

    A test changes a field of `resources` (state_dir, cli, environment, pricing_file) to run the next
    job with other values: a missing state dir, a stand-in CLI, another price list.
    """

    instance: dg.DagsterInstance
    resources: PipelineResources
    copy_sample: Callable[[str], Path]

    def use_sample(self, version: str) -> Path:
        """Copy a sample state dir and make it the one the runs read (the CLI off unless a test says)."""
        state = self.copy_sample(version)
        self.resources.state_dir = state
        return state

    @property
    def database(self) -> DatabaseTarget:
        """The test's own database, the one every run writes to."""
        return self.resources.database

    def query(self, statement: str, params: Any = None) -> list[tuple[Any, ...]]:
        """Rows of one statement on the test's database."""
        return query(self.database, statement, params)

    def run(
        self,
        job: str,
        *,
        partition: str | None = None,
        partition_range: tuple[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> dg.ExecuteInProcessResult:
        """Execute the project's job `job`; failures are returned, not raised."""
        return run_job(
            job,
            instance=self.instance,
            resources=self.resources,
            partition=partition,
            partition_range=partition_range,
            tags=tags,
        )

    def materialize(
        self, keys: list[str], *, partition: str | None = None, raise_on_error: bool = True
    ) -> dg.ExecuteInProcessResult:
        """Materialize the assets `keys` of the project's definitions (with their checks), as from the UI."""
        assets = [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)]
        return dg.materialize(
            [*assets, *(defs.asset_checks or [])],
            selection=[dg.AssetKey(key) for key in keys],
            partition_key=partition,
            instance=self.instance,
            resources=self.resources.resources(),
            raise_on_error=raise_on_error,
        )

    def usage_sensor_tick(self, cursor: str | None) -> Any:
        """One evaluation of the usage sensor from `cursor` as the daemon runs it: run requests, skip
        message, cursor."""
        with dg.build_sensor_context(
            instance=self.instance,
            cursor=cursor,
            repository_def=defs.get_repository_def(),
            resources=self.resources.resources(),
        ) as context:
            return defs.get_sensor_def("openclaw_usage_sensor").evaluate_tick(context)

    def logged(self, result: dg.ExecuteInProcessResult, level: int = logging.WARNING) -> list[str]:
        """Messages the run's code logged at `level` or above."""
        return logged(self.instance, result.run_id, level)
