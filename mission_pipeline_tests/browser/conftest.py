"""`dagster dev` on the embedded default with the 2026.9.6 sample, and headless Debian Chromium to drive it.

The test installs nothing: Chromium comes from the project's setup (`make browser-deps`, which CI
runs). Without /usr/bin/chromium the tests skip and say so.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.embedded import embedded_postgres_url, stop_embedded_postgres

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 240.0
STOP_GRACE_SECONDS = 20.0


@dataclass
class DagsterDev:
    """A running `dagster dev`: its URL and the folders it keeps its state in."""

    url: str
    home: Path
    data_dir: Path
    state_dir: Path
    log: Path

    def warehouse(self) -> DatabaseTarget:
        """The embedded PostgreSQL the pipeline wrote to (started by the first run)."""
        url = embedded_postgres_url(self.data_dir / "postgres")
        assert url is not None, "the embedded PostgreSQL is not running: no run wrote anything"
        return DatabaseTarget.from_url(url, embedded=True)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:])
            pytest.fail(f"dagster dev exited with {process.returncode} before serving:\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1.0)
    pytest.fail(f"dagster dev did not serve {url} within {SERVER_START_TIMEOUT:.0f}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop dagster dev and everything it started (webserver, daemon, code servers, run workers)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_GRACE_SECONDS)
    with contextlib.suppress(ProcessLookupError):  # whatever of its session outlived the grace period
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium, or a skip that tells how to get it."""
    if not CHROMIUM.is_file():
        pytest.skip(
            f"Debian's Chromium is not installed ({CHROMIUM} missing): `make browser-deps` installs it "
            "(apt-get install chromium, as root); CI does, so the Dagster UI test runs there"
        )
    pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is a dev dependency: make install"
    )
    return CHROMIUM


@pytest.fixture(scope="module")
def dagster_dev(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterDev]:
    """`dagster dev -w workspace.yaml` with a fresh DAGSTER_HOME, the embedded database and the sample."""
    root = tmp_path_factory.mktemp("dagster-dev")
    home, data_dir = root / "dagster-home", root / "data"
    home.mkdir()
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    state_dir = copy_state_dir(SAMPLE_STATE, root / "openclaw" / "state")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "dagster-dev.log"
    port = _free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "MISSION_PIPELINE_DATA_DIR": str(data_dir),
        "MISSION_PIPELINE_ENV": "development",
        "OPENCLAW_STATE_DIR": str(state_dir),
        "OPENCLAW_CLI": "off",
        "USAGE_TIMEZONE": "UTC",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SUPABASE_DB_URL", None)  # the embedded default
    dagster = Path(sys.executable).with_name("dagster")
    command = [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = DagsterDev(f"http://127.0.0.1:{port}", home, data_dir, state_dir, log)
    try:
        _wait_until_serving(server.url, process, log)
        yield server
    finally:
        _stop(process)
        stop_embedded_postgres(data_dir / "postgres")
