"""The alerts a budget status or a day's spend raises, each with the key that makes it happen once.

A key names what the alert is about, never when it was noticed: a threshold of a budget in one
period (`budget:<id>:<period start>:<share>`), an agent's unusual day (`unusual:<agent>:<day>`). The
outbox records each key once, so reruns, backfills and concurrent runs raise nothing twice.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mission_pipeline.budgets.status import BudgetStatus

# An agent's day is unusual above UNUSUAL_FACTOR x its normal day: the median of the days with usage
# among the UNUSUAL_WINDOW days before, judged once it has at least MIN_HISTORY_DAYS of them (a new
# agent has no normal yet), and only above UNUSUAL_FLOOR_USD, so cents do not alert for a dollar.
UNUSUAL_FACTOR = 3
UNUSUAL_WINDOW = 14
MIN_HISTORY_DAYS = 3
UNUSUAL_FLOOR_USD = 1.0


@dataclass(frozen=True)
class Alert:
    """One alert: its unique key, its kind, and the Slack-compatible JSON the webhook receives."""

    key: str
    kind: str
    payload: dict[str, Any] = field(hash=False)


def _usd(value: Decimal | float) -> str:
    return f"${float(value):,.2f}"


def budget_alerts(status: BudgetStatus, link: str | None) -> list[Alert]:
    """One alert per threshold the status has crossed (the outbox keeps those already raised)."""
    budget = status.budget
    found = []
    for share in status.crossed:
        level = "reached its limit" if share >= 1 else f"passed {float(share):.0%} of its budget"
        text = (
            f"{budget.scope.capitalize()} {level} for {budget.period} {status.period_label}: spent "
            f"{_usd(status.spent_usd)} of {_usd(budget.limit_usd)} ({float(status.share_used):.0%}), "
            f"forecast {_usd(status.forecast_usd)} by the end of the {budget.period}."
        )
        payload: dict[str, Any] = {
            "text": text + (f" <{link}|Budget status in Dagster>" if link else ""),
            "agent_id": budget.agent_id,
            "period": budget.period,
            "period_start": status.period_start.isoformat(),
            "threshold": float(share),
            "spent_usd": float(status.spent_usd),
            "limit_usd": float(budget.limit_usd),
            "forecast_usd": float(status.forecast_usd),
            "link": link,
        }
        key = f"budget:{budget.id}:{status.period_start.isoformat()}:{share.normalize()}"
        found.append(Alert(key, "budget", payload))
    return found


def unusual_day_alerts(
    history: dict[str, dict[dt.date, float]], day: dt.date, link: str | None
) -> list[Alert]:
    """Agents whose spend on `day` is far above their normal: the median of the days before."""
    found = []
    for agent, spend in sorted(history.items()):
        today = spend.get(day, 0.0)
        window = (day - dt.timedelta(days=n) for n in range(1, UNUSUAL_WINDOW + 1))
        before = [spend[d] for d in window if spend.get(d, 0.0) > 0]
        if len(before) < MIN_HISTORY_DAYS:
            continue
        normal = statistics.median(before)
        if today <= UNUSUAL_FLOOR_USD or today <= UNUSUAL_FACTOR * normal:
            continue
        text = (
            f"Agent {agent} spent {_usd(today)} on {day.isoformat()}, more than {UNUSUAL_FACTOR}x its "
            f"median day with usage of the {UNUSUAL_WINDOW} days before ({_usd(normal)})."
        )
        payload = {
            "text": text + (f" <{link}|Usage in Dagster>" if link else ""),
            "agent_id": agent,
            "day": day.isoformat(),
            "spent_usd": today,
            "median_usd": normal,
            "link": link,
        }
        found.append(Alert(f"unusual:{agent}:{day.isoformat()}", "unusual_day", payload))
    return found
