"""The `dagster` CLI in a subprocess, loading the definitions the way `dagster dev` and the daemon do.

Each kind of load runs once: `definitions validate` (the load `dagster dev` and `dg check defs` do) and
`asset materialize` (the command the usage issue names). The in-process load is `test_definitions.py`'s.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.fixtures.postgres import query

REPO = Path(__file__).resolve().parents[2]
# The validate command logs warnings instead of printing them, and DeprecationWarning is silent by
# default: as errors, a deprecated API used at load fails the load and is named in the output.
# Dagster's own snapshot of a schedule reads its deprecated `environment_vars`: not the project's.
DEPRECATIONS_AS_ERRORS = (
    "error::DeprecationWarning,ignore:Property `ScheduleDefinition.environment_vars`:DeprecationWarning"
)


def dagster(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the venv's `dagster` with a DAGSTER_HOME of its own holding the project's dagster.yaml."""
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    return subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), *args],
        cwd=REPO,
        env={**os.environ, "DAGSTER_HOME": str(home), "OPENCLAW_CLI": "off", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_definitions_validate_loads_without_deprecations(tmp_path: Path) -> None:
    done = dagster(
        ["definitions", "validate", "-m", "mission_pipeline.definitions"],
        tmp_path,
        PYTHONWARNINGS=DEPRECATIONS_AS_ERRORS,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "Validation successful for code location mission_pipeline.definitions" in output
    assert "deprecat" not in output.lower(), output[-3000:]


def test_dagster_asset_materialize_for_one_day(
    copy_sample: Callable[[str], Path], pipeline_env: DatabaseTarget, tmp_path: Path
) -> None:
    state = copy_sample("v2026.9.6")
    done = dagster(
        [
            "asset",
            "materialize",
            "-m",
            "mission_pipeline.definitions",
            "--select",
            "openclaw_usage_events,agent_usage",
            "--partition",
            "2026-11-27",
        ],
        tmp_path,
        OPENCLAW_STATE_DIR=str(state),
        SUPABASE_DB_URL=pipeline_env.url,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert query(pipeline_env, "select count(*), sum(message_count) from agent_usage") == [(5, 54)]
    assert query(pipeline_env, "select count(*) from agent_usage_by_model") == [(0,)]  # not selected
