"""The command the usage issue names works with OPENCLAW_STATE_DIR and SUPABASE_DB_URL set."""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.fixtures.postgres import query

REPO = Path(__file__).resolve().parents[2]


def test_dagster_asset_materialize_for_one_day(
    openclaw_state: Callable[[str], Path], pipeline_env: DatabaseTarget, tmp_path: Path
) -> None:
    state = openclaw_state("v2026.9.6")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "OPENCLAW_STATE_DIR": str(state),
        "SUPABASE_DB_URL": pipeline_env.url,
        "OPENCLAW_CLI": "off",
    }
    dagster = Path(sys.executable).with_name("dagster")
    done = subprocess.run(
        [
            str(dagster),
            "asset",
            "materialize",
            "-m",
            "mission_pipeline.definitions",
            "--select",
            "openclaw_usage_events,agent_usage",
            "--partition",
            "2026-11-27",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert query(pipeline_env, "select count(*), sum(message_count) from agent_usage") == [(5, 54)]
    assert query(pipeline_env, "select count(*) from agent_usage_by_model") == [(0,)]  # not selected
