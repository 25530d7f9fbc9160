"""Reads of the dashboard's tables for the budgets: the budgets themselves and the spend per day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
from psycopg.rows import TupleRow
from pydantic import ValidationError

from mission_pipeline.budgets.model import Budget

_BUDGETS = "select id, agent_id, period, limit_usd, warn_at, enabled from public.usage_budgets order by id"


def read_budgets(conn: psycopg.Connection[TupleRow]) -> tuple[list[Budget], dict[int, str]]:
    """The enabled budgets, and the rows that are not a usable budget (id -> why), which are skipped."""
    budgets: list[Budget] = []
    unusable: dict[int, str] = {}
    for row_id, agent_id, period, limit_usd, warn_at, enabled in conn.execute(_BUDGETS).fetchall():
        try:
            budget = Budget(
                id=row_id,
                agent_id=agent_id,
                period=period,
                limit_usd=limit_usd,
                warn_at=warn_at,
                enabled=enabled,
            )
        except ValidationError as exc:
            unusable[int(row_id)] = "; ".join(str(e["msg"]) for e in exc.errors())
            continue
        if budget.enabled:
            budgets.append(budget)
    return budgets, unusable


def spent(conn: psycopg.Connection[TupleRow], agent_id: str | None, start: dt.date, end: dt.date) -> Decimal:
    """agent_usage's total_cost over [start, end) for one agent, or for all agents (None)."""
    row = conn.execute(
        "select coalesce(sum(total_cost), 0) from public.agent_usage"
        " where date >= %s and date < %s and (%s::text is null or agent_id = %s)",
        (start, end, agent_id, agent_id),
    ).fetchone()
    return Decimal(row[0]) if row else Decimal(0)


def daily_spend(
    conn: psycopg.Connection[TupleRow], first: dt.date, last: dt.date
) -> dict[str, dict[dt.date, float]]:
    """Each agent's total_cost per day from `first` to `last` included (days without usage absent)."""
    history: dict[str, dict[dt.date, float]] = {}
    rows = conn.execute(
        "select agent_id, date, total_cost::float8 from public.agent_usage where date between %s and %s",
        (first, last),
    ).fetchall()
    for agent, day, cost in rows:
        history.setdefault(str(agent), {})[day] = float(cost)
    return history
