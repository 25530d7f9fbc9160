"""A terminal summary of what the tables hold, for `mission-pipeline run`."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

from mission_pipeline.warehouse.database import DatabaseTarget


def _rows(target: DatabaseTarget, statement: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with target.connect(autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(statement)
        return [d.name for d in cur.description or []], cur.fetchall()


def summary(target: DatabaseTarget) -> str:
    """Per-agent usage and cost, cron jobs, and workspace files, as plain-text tables."""
    parts = [f"Tables in {target.description}:"]
    sections = [
        (
            "agent_usage (all days)",
            "select agent_id, count(*) as days, sum(message_count)::bigint as calls,"
            " sum(input_tokens)::bigint as input, sum(output_tokens)::bigint as output,"
            " sum(cache_read_tokens)::bigint as cache_read, sum(cache_write_tokens)::bigint as cache_write,"
            " round(sum(total_cost), 4)::float8 as cost_usd"
            " from agent_usage group by agent_id order by cost_usd desc",
        ),
        (
            "cron_jobs",
            "select name, schedule, enabled, last_status, next_run from cron_jobs"
            " order by enabled desc, name",
        ),
        (
            "agent_workspaces",
            "select agent_id, count(*) as files, sum(size_bytes)::bigint as bytes from agent_workspaces"
            " group by agent_id order by agent_id",
        ),
    ]
    for title, statement in sections:
        headers, rows = _rows(target, statement)
        parts.append(f"\n{title}: {len(rows)} row(s)")
        if rows:
            parts.append(tabulate(rows, headers=headers, tablefmt="simple", floatfmt=".4f"))
    _, ledger = _rows(target, "select count(*), count(distinct agent_id) from openclaw_usage_events")
    parts.append(f"\nopenclaw_usage_events: {ledger[0][0]} calls from {ledger[0][1]} agent(s)")
    return "\n".join(parts)
