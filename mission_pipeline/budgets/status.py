"""A budget's state in its current period: spent, share used, forecast, thresholds crossed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from mission_pipeline.budgets.model import Budget
from mission_pipeline.budgets.periods import elapsed_share, period_bounds

FORECAST_METHOD = "run rate: spent so far / elapsed share of the period (at least 1 hour elapsed)"


@dataclass(frozen=True)
class BudgetStatus:
    budget: Budget
    period_start: dt.date
    period_end: dt.date
    spent_usd: Decimal
    forecast_usd: Decimal
    as_of: dt.datetime

    @property
    def share_used(self) -> Decimal:
        return self.spent_usd / self.budget.limit_usd

    @property
    def crossed(self) -> list[Decimal]:
        """The shares to warn at that the spend has reached, ascending."""
        return [share for share in self.budget.warn_at if self.share_used >= share]

    @property
    def period_label(self) -> str:
        if self.budget.period == "day":
            return self.period_start.isoformat()
        return self.period_start.strftime("%Y-%m")


def budget_status(budget: Budget, spent: Decimal, as_of: dt.datetime, timezone: str) -> BudgetStatus:
    """`budget` in the period holding `as_of`, given what was spent in that period so far.

    The forecast is the period's spend so far scaled by the share of the period that has elapsed:
    simple, and for a month it smooths a single expensive day less than a trailing mean would, which
    is what a budget warning should err on.
    """
    start, end = period_bounds(budget.period, as_of, timezone)
    share = Decimal(str(elapsed_share(start, end, as_of, timezone)))
    forecast = (spent / share).quantize(Decimal("0.0000000001"))
    return BudgetStatus(budget, start, end, spent, forecast, as_of)
