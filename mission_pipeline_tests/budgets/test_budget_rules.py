"""Budget periods, forecasts, thresholds and unusual days, on plain values."""

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from mission_pipeline.budgets.alerts import budget_alerts, unusual_day_alerts
from mission_pipeline.budgets.model import Budget
from mission_pipeline.budgets.periods import elapsed_share, period_bounds
from mission_pipeline.budgets.status import budget_status

UTC = dt.UTC
BERLIN = "Europe/Berlin"


def budget(**fields: object) -> Budget:
    values: dict[str, object] = {"id": 7, "agent_id": "main", "period": "month", "limit_usd": "100"}
    values["warn_at"] = ["0.8", "1.0"]
    return Budget.model_validate(values | fields)


def test_periods_are_local_days_and_calendar_months() -> None:
    # 23:30 UTC on the last of November is already December 1st in Berlin.
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert period_bounds("day", late, "UTC") == (dt.date(2026, 11, 30), dt.date(2026, 12, 1))
    assert period_bounds("day", late, BERLIN) == (dt.date(2026, 12, 1), dt.date(2026, 12, 2))
    assert period_bounds("month", late, BERLIN) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    assert period_bounds("month", dt.datetime(2026, 2, 10, tzinfo=UTC), "UTC") == (
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    )


def test_the_elapsed_share_counts_local_hours_and_at_least_one() -> None:
    day = dt.date(2026, 3, 29)  # Berlin's spring change: 23 hours
    noon = dt.datetime(2026, 3, 29, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert elapsed_share(day, day + dt.timedelta(days=1), noon, BERLIN) == pytest.approx(11 / 23)
    just_after_midnight = dt.datetime(2026, 11, 27, 0, 1, tzinfo=UTC)
    share = elapsed_share(dt.date(2026, 11, 27), dt.date(2026, 11, 28), just_after_midnight, "UTC")
    assert share == pytest.approx(1 / 24)


def test_the_forecast_is_the_run_rate_to_the_end_of_the_period() -> None:
    ten_days_in = dt.datetime(2026, 11, 11, tzinfo=UTC)  # a third of November
    status = budget_status(budget(), Decimal("30"), ten_days_in, "UTC")
    assert status.forecast_usd == Decimal("90.0000000000")
    assert status.share_used == Decimal("0.3")
    assert status.crossed == []
    assert budget_status(budget(), Decimal("85"), ten_days_in, "UTC").crossed == [Decimal("0.8")]
    assert budget_status(budget(), Decimal("100"), ten_days_in, "UTC").crossed == [
        Decimal("0.8"),
        Decimal("1.0"),
    ]


def test_each_threshold_of_a_period_has_one_key() -> None:
    as_of = dt.datetime(2026, 11, 27, 20, tzinfo=UTC)
    alerts = budget_alerts(budget_status(budget(), Decimal("120"), as_of, "UTC"), "http://ui/assets/x")
    assert [a.key for a in alerts] == ["budget:7:2026-11-01:0.8", "budget:7:2026-11-01:1"]
    assert (
        "reached its limit" in alerts[1].payload["text"]
        and "<http://ui/assets/x|" in alerts[1].payload["text"]
    )
    assert alerts[1].payload["forecast_usd"] == pytest.approx(120 / (26 + 20 / 24) * 30)
    # Another moment of the same period raises the same keys: the outbox keeps them once.
    later = budget_status(budget(), Decimal("130"), as_of + dt.timedelta(hours=2), "UTC")
    assert [a.key for a in budget_alerts(later, None)] == [a.key for a in alerts]


def test_a_budget_row_the_dashboard_got_wrong_is_refused_with_why() -> None:
    with pytest.raises(ValidationError, match="greater than 0"):
        budget(limit_usd="0")
    with pytest.raises(ValidationError, match="above 0"):
        budget(warn_at=["0", "1"])
    with pytest.raises(ValidationError):
        budget(period="week")


def test_an_unusual_day_is_far_above_the_median_and_above_the_floor() -> None:
    day = dt.date(2026, 11, 27)
    normal = {day - dt.timedelta(days=n): 2.0 for n in range(1, 15)}
    history = {
        "spiky": {**normal, day: 6.5},  # over 3 x 2.0
        "steady": {**normal, day: 5.9},  # under it
        "tiny": {**{d: 0.01 for d in normal}, day: 0.9},  # 90 x its normal, but under the floor
        "new": {day: 40.0},  # no normal day yet
        "weekly": {day - dt.timedelta(days=n): 3.0 for n in (2, 9)} | {day: 50.0},  # two days: too few
        "sparse": {day - dt.timedelta(days=n): 1.0 for n in (1, 5, 12)} | {day: 3.5},  # its normal: 1.0
    }
    alerts = unusual_day_alerts(history, day, None)
    assert [a.key for a in alerts] == ["unusual:sparse:2026-11-27", "unusual:spiky:2026-11-27"]
