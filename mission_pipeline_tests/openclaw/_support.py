"""Helpers shared by the state-reader tests."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mission_pipeline.openclaw.cron.jobs import CronSnapshot, read_cron_jobs
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline_tests.conftest import sample_dir

FAKE_CLI = Path(__file__).with_name("fake_openclaw.py")
FAKE_COMMAND = [sys.executable, str(FAKE_CLI)]


def stand_in_on_path(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Write an `openclaw` launcher of the stand-in CLI into `bin_dir`, first on PATH; its path."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    launcher = bin_dir / "openclaw"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_CLI}" "$@"\n')
    launcher.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return launcher


def recorded(version: str, name: str) -> Any:
    """A JSON file the real OpenClaw CLI printed for this sample (`cli/<name>`)."""
    return json.loads((sample_dir(version) / "cli" / name).read_text(encoding="utf-8"))


def make_writable(root: Path) -> Path:
    """The samples are read-only and copytree keeps modes; tests that edit a copy need write access."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, os.lstat(path).st_mode | stat.S_IWUSR)
    os.chmod(root, os.lstat(root).st_mode | stat.S_IWUSR)
    return root


def ms_utc(value: Any) -> datetime | None:
    """Epoch ms as OpenClaw stores them, as an aware UTC datetime."""
    return datetime.fromtimestamp(value / 1000, tz=UTC) if value is not None else None


def read_jobs(state: Path, problems: ProblemLog | None = None) -> CronSnapshot:
    """The store snapshot (no CLI)."""
    return read_cron_jobs(
        state, cli_command=None, problems=problems if problems is not None else ProblemLog()
    )


def state_db(state: Path) -> closing[sqlite3.Connection]:
    """A writable connection to a copy's state/openclaw.sqlite (closed on exit)."""
    make_writable(state)
    return closing(sqlite3.connect(state / "state" / "openclaw.sqlite"))
