"""Fixtures for running the real jobs: a sample OpenClaw state and a fresh database, via the environment."""

from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.database import DatabaseTarget


@pytest.fixture
def openclaw_state(
    copy_sample: Callable[[str], Path], pipeline_env: DatabaseTarget, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], Path]:
    """Copy a sample state dir and point OPENCLAW_STATE_DIR at it (the CLI off unless a test says)."""

    def _use(version: str) -> Path:
        state = copy_sample(version)
        monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
        monkeypatch.setenv("OPENCLAW_CLI", "off")
        get_settings.cache_clear()
        return state

    return _use


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """A throwaway Dagster instance that remembers materializations across runs of one test."""
    with dg.instance_for_test() as test_instance:
        yield test_instance
