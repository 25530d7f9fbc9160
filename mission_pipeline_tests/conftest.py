"""Shared fixtures: the OpenClaw-written sample state directories, copied per test."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline.sample import SAMPLE_OPENCLAW_VERSION, SAMPLE_STATE
from mission_pipeline.settings import get_settings

pytest_plugins = ["mission_pipeline_tests.fixtures.postgres", "mission_pipeline_tests.fixtures.pipeline"]

SAMPLES = Path(__file__).parent / "data" / "openclaw-samples"
SAMPLE_VERSIONS = (f"v{SAMPLE_OPENCLAW_VERSION}", "v2026.5.28")


def sample_dir(version: str) -> Path:
    """The read-only sample folder of one OpenClaw version: its cli/ and ledger/ (and state/, but see
    `sample_state`)."""
    return SAMPLES / version


def sample_state(version: str) -> Path:
    """The read-only state directory of one OpenClaw version. The current version's ships inside the
    package (`make run` falls back to it when installed), the older one stays with the tests."""
    if version == f"v{SAMPLE_OPENCLAW_VERSION}":
        return SAMPLE_STATE
    return SAMPLES / version / "state"


def usage_check(version: str) -> dict[str, Any]:
    """The ledger of exact usage the mock model served, joined to the transcripts."""
    data: dict[str, Any] = json.loads((SAMPLES / version / "ledger" / "usage-check.json").read_text())
    return data


@pytest.fixture
def copy_sample(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a sample's state directory into tmp_path (workspaces relocated); returns the copy."""

    def _copy(version: str) -> Path:
        return copy_state_dir(sample_state(version), tmp_path / version / "state")

    return _copy


@pytest.fixture(params=SAMPLE_VERSIONS)
def sample_version(request: pytest.FixtureRequest) -> str:
    """Each OpenClaw sample version in turn."""
    return str(request.param)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """For tests about reading the environment (Settings, the CLI, doctor): set or unset variables.

    `environment(NAME="value", OTHER=None)`; the cached settings are read again after each change
    and after the test. Everything else builds resources with explicit values (fixtures/pipeline.py).
    """

    def _set(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield _set
    get_settings.cache_clear()
