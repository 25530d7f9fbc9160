"""load_input returns exactly the partitions asked for, and refuses to load a whole history by accident."""

import datetime as dt

import dagster as dg
import pandas as pd

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.warehouse.dagster_helpers import failure_message, run

DAYS = dg.DailyPartitionsDefinition(start_date="2026-11-01", end_date="2026-12-01", timezone="Europe/Berlin")
UTC = dt.UTC


@dg.asset(
    name="openclaw_usage_events",
    partitions_def=DAYS,
    metadata={
        "write_mode": "replace_partition",
        "partition_expr": "occurred_at",
        "primary_key": ["event_id"],
    },
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def events(context: dg.AssetExecutionContext) -> pd.DataFrame:
    """Two calls per Berlin day: 00:30 and 23:30 local time."""
    rows = []
    window = context.partition_time_window
    day = window.start
    while day < window.end:
        for hour in (0, 23):
            at = (day + dt.timedelta(hours=hour, minutes=30)).astimezone(UTC)
            rows.append({"event_id": f"{at.isoformat()}", "agent_id": "main", "occurred_at": at,
                         "input_tokens": 1, "output_tokens": 0, "cache_read_tokens": 0,
                         "cache_write_tokens": 0, "source": "sqlite"})  # fmt: skip
        day = DAYS.time_window_for_partition_key((day + dt.timedelta(days=1)).strftime("%Y-%m-%d")).start
    return pd.DataFrame(rows)


SEEN: dict[str, list[str]] = {}


@dg.asset(
    partitions_def=DAYS,
    ins={"openclaw_usage_events": dg.AssetIn(metadata={"columns": ["event_id", "occurred_at"]})},
)
def daily_view(context: dg.AssetExecutionContext, openclaw_usage_events: pd.DataFrame) -> None:
    """Records what it was given."""
    SEEN[context.partition_key] = sorted(openclaw_usage_events["event_id"])
    assert list(openclaw_usage_events.columns) == ["event_id", "occurred_at"]


@dg.asset
def everything(openclaw_usage_events: pd.DataFrame) -> None:
    """Unpartitioned downstream of a partitioned table."""


def test_loads_exactly_the_requested_partition_across_time_zones(pipeline_env: DatabaseTarget) -> None:
    assert run(pipeline_env, [events], partition_range=("2026-11-03", "2026-11-05")).success
    assert run(pipeline_env, [events, daily_view], partition="2026-11-04", selection=[daily_view]).success
    # 2026-11-04 in Berlin is 2026-11-03T23:00Z .. 2026-11-04T23:00Z.
    assert SEEN["2026-11-04"] == ["2026-11-03T23:30:00+00:00", "2026-11-04T22:30:00+00:00"]


def test_refuses_to_load_every_partition_into_an_unpartitioned_asset(pipeline_env: DatabaseTarget) -> None:
    assert run(pipeline_env, [events], partition="2026-11-04").success
    result = run(pipeline_env, [events, everything], selection=[everything])
    assert not result.success
    assert "refusing to load every partition of public.openclaw_usage_events" in failure_message(result)
