"""The environment a deployment gives the pipeline, for the child that runs its Dagster job."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

# Settings the parent's own environment may carry; the child must see only the benchmark's.
_OWN_PREFIXES = ("SUPABASE_", "OPENCLAW_", "MISSION_PIPELINE_", "USAGE_", "DAGSTER_")


def child_env(
    state: Path, db_url: str, first_day: date, data_dir: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment a deployment gives the pipeline: Postgres URL, state dir, partitions' first day."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}
    env.update(
        SUPABASE_DB_URL=db_url,
        OPENCLAW_STATE_DIR=str(state),
        OPENCLAW_CLI="off",
        MISSION_PIPELINE_ENV="development",
        MISSION_PIPELINE_DATA_DIR=str(data_dir),
        USAGE_START_DATE=first_day.isoformat(),
        USAGE_TIMEZONE="UTC",
        DAGSTER_HOME=str(data_dir / "dagster"),
        PYTHONWARNINGS="ignore",
    )
    (data_dir / "dagster").mkdir(parents=True, exist_ok=True)
    env.update(extra or {})
    return env
