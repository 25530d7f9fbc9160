"""Fixtures for running the real jobs: a sample OpenClaw state and a fresh database, as resources."""

from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline_tests.defs.project import ProjectRuns
from mission_pipeline_tests.fixtures.pipeline import PipelineResources


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """A throwaway Dagster instance that remembers materializations across runs of one test."""
    with dg.instance_for_test() as test_instance:
        yield test_instance


@pytest.fixture
def project(
    instance: dg.DagsterInstance, pipeline: PipelineResources, copy_sample: Callable[[str], Path]
) -> ProjectRuns:
    """The test's runs of the project's jobs: no state dir until the test picks a sample."""
    return ProjectRuns(instance=instance, resources=pipeline, copy_sample=copy_sample)
