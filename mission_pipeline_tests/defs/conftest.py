"""Fixtures for running the real jobs: a sample OpenClaw state and a fresh database, as resources."""

from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline_tests.fixtures.pipeline import PipelineResources


@pytest.fixture
def openclaw_state(copy_sample: Callable[[str], Path], pipeline: PipelineResources) -> Callable[[str], Path]:
    """Copy a sample state dir and make it the one `pipeline`'s runs read (the CLI off unless a test says)."""

    def _use(version: str) -> Path:
        state = copy_sample(version)
        pipeline.state_dir = state
        return state

    return _use


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """A throwaway Dagster instance that remembers materializations across runs of one test."""
    with dg.instance_for_test() as test_instance:
        yield test_instance
