"""Usage days: one partition per day in the configured time zone, today included."""

from collections.abc import Callable
from typing import Any

import dagster as dg

from mission_pipeline.defs.retries import warehouse_asset
from mission_pipeline.settings import get_settings

_settings = get_settings()

# end_offset=1 includes the day in progress, which the hourly schedule keeps fresh.
usage_daily_partitions = dg.DailyPartitionsDefinition(
    start_date=_settings.usage_start_date.isoformat(),
    timezone=_settings.usage_timezone,
    end_offset=1,
)


def daily_usage_asset(**kwargs: Any) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """`@dg.asset` with what every daily usage asset shares.

    A backfill of any range is one run that reads each source once; database hiccups are retried.
    """
    return warehouse_asset(
        group_name="usage",
        partitions_def=usage_daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        **kwargs,
    )
