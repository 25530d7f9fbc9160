"""Fixtures of the fault tests: a large usage day in two versions, fork servers for real runs, and a
PostgreSQL server of their own to stop and restart (never the shared session server)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mission_pipeline_tests.reliability.bulk_state import DAY, write_bulk_state
from mission_pipeline_tests.reliability.harness import OwnServer, Zygote, size, subprocess_env

# The role and password of the own server: recognisable, with characters a URL must encode.
ROLE = "mp_writer"
PASSWORD = "Zq7#RELIAB1LITY:pw/S3cr3t%2x"


@dataclass(frozen=True)
class BulkStates:
    """The same usage day twice: before (previous) and after (new) more calls were made."""

    previous: Path
    new: Path
    calls_previous: int
    calls_new: int
    day: str = DAY.isoformat()


@pytest.fixture(scope="session")
def bulk_states(tmp_path_factory: pytest.TempPathFactory) -> BulkStates:
    root = tmp_path_factory.mktemp("bulk-state")
    agents, calls, extra = size(6, 8), size(4_000, 8_000), size(800, 1_500)
    previous = write_bulk_state(
        root / "previous", agents=agents, calls=calls, extra=extra, version="previous"
    )
    new = write_bulk_state(root / "new", agents=agents, calls=calls, extra=extra, version="new")
    return BulkStates(root / "previous", root / "new", previous["bulk_calls"], new["bulk_calls"])


ZygoteFactory = Callable[..., contextlib.AbstractContextManager[Zygote]]


@pytest.fixture
def start_zygote(tmp_path: Path, pg_server_url: str) -> ZygoteFactory:
    """Start a fork server whose import-time environment has `env` on top of the test defaults."""

    @contextlib.contextmanager
    def _start(**env: str | None) -> Iterator[Zygote]:
        base: dict[str, str | None] = {
            "OPENCLAW_CLI": "off",
            "MISSION_PIPELINE_DATA_DIR": str(tmp_path / "data"),
            "MISSION_PIPELINE_ENV": "development",
            "SUPABASE_DB_URL": pg_server_url,
            "DAGSTER_HOME": None,
        }
        with Zygote(env=subprocess_env(**{**base, **env}), workdir=tmp_path / "runs") as server:
            yield server

    return _start


@pytest.fixture
def zygote(start_zygote: ZygoteFactory) -> Iterator[Zygote]:
    """A fork server for usage_job runs; each spawn names its database and state directory."""
    with start_zygote() as server:
        yield server


@pytest.fixture(scope="session")
def own_server() -> Iterator[OwnServer]:
    """An embedded PostgreSQL of these tests alone, with a password login (ROLE, PASSWORD)."""
    root = Path(tempfile.mkdtemp(prefix="mp-rel-pg-"))
    server = OwnServer(root)
    server.start()
    server.require_password(ROLE, PASSWORD)
    try:
        yield server
    finally:
        if server.running():
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
