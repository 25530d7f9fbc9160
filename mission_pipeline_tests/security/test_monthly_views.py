"""The monthly views return what agent_usage holds, and nothing to a reader outside @supliful.com."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.security.rls_matrix import _user

ROWS = [  # agent, date, tokens in, cost, calls
    ("main", "2026-10-31", 10, "1.25", 2),
    ("main", "2026-11-01", 20, "2.50", 3),
    ("main", "2026-11-27", 30, "0.75", 1),
    ("vps2:main", "2026-11-27", 40, "4.00", 5),
]
PER_AGENT = "select agent_id, month::text, input_tokens, total_cost, message_count, days_with_usage"
PER_AGENT += " from agent_usage_monthly order by 1, 2"
ALL = "select month::text, agents, input_tokens, total_cost, message_count from usage_monthly order by 1"


def read_as(target: DatabaseTarget, claims: dict[str, Any] | None, statement: str) -> list[tuple[Any, ...]]:
    """`statement` after seeding ROWS, as the owner (claims None) or as a signed-in user."""
    with target.connect(autocommit=True) as conn, conn.transaction(force_rollback=True):
        for agent, day, tokens, cost, calls in ROWS:
            conn.execute(
                "insert into agent_usage (agent_id, date, input_tokens, total_cost, message_count)"
                " values (%s, %s, %s, %s, %s)",
                (agent, day, tokens, Decimal(cost), calls),
            )
        if claims is not None:
            conn.execute("select set_config('role', 'authenticated', true)")
            conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        return conn.execute(statement).fetchall()


def test_the_views_sum_agent_usage_per_month(database: DatabaseTarget) -> None:
    assert read_as(database, None, PER_AGENT) == [
        ("main", "2026-10-01", 10, Decimal("1.25"), 2, 1),
        ("main", "2026-11-01", 50, Decimal("3.25"), 4, 2),
        ("vps2:main", "2026-11-01", 40, Decimal("4.00"), 5, 1),
    ]
    assert read_as(database, None, ALL) == [
        ("2026-10-01", 1, 10, Decimal("1.25"), 2),
        ("2026-11-01", 2, 90, Decimal("7.25"), 9),
    ]


def test_a_supliful_reader_sees_what_the_owner_sees(database: DatabaseTarget) -> None:
    reader = _user("a@supliful.com")
    assert read_as(database, reader, PER_AGENT) == read_as(database, None, PER_AGENT)
    assert read_as(database, reader, ALL) == read_as(database, None, ALL)


@pytest.mark.parametrize("email", ["x@notsupliful.com", "supliful.com@evil.io", None])
def test_a_reader_outside_supliful_sees_nothing_through_the_views(
    database: DatabaseTarget, email: str | None
) -> None:
    outsider = _user(email)
    assert read_as(database, outsider, PER_AGENT) == []
    assert read_as(database, outsider, ALL) == []
