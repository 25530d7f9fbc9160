"""Run metadata for usage: a per-agent table and numbers the Dagster UI plots across partitions."""

from typing import Any

import dagster as dg
import pandas as pd

from mission_pipeline.pricing.costs import TOKEN_COLUMNS


def usage_metadata(usage: pd.DataFrame, *, single_day: bool) -> dict[str, Any]:
    """Markdown per agent, plus totals; a backfill range reports range_* totals so day plots stay true."""
    tokens = usage[list(TOKEN_COLUMNS)].sum(axis=1) if len(usage) else pd.Series(dtype="int64")
    per_agent = (
        usage.assign(tokens=tokens)
        .groupby("agent_id")
        .agg(calls=("message_count", "sum"), tokens=("tokens", "sum"), cost_usd=("total_cost", "sum"))
        .reset_index()
        .sort_values("cost_usd", ascending=False)
        if len(usage)
        else pd.DataFrame(columns=["agent_id", "calls", "tokens", "cost_usd"])
    )
    per_agent["cost_usd"] = per_agent["cost_usd"].astype("float64").round(6)
    prefix = "" if single_day else "range_"
    return {
        "usage_by_agent": dg.MetadataValue.md(
            per_agent.to_markdown(index=False) if len(per_agent) else "no usage"
        ),
        f"{prefix}total_cost_usd": dg.MetadataValue.float(round(float(usage["total_cost"].sum()), 6)),
        f"{prefix}total_tokens": dg.MetadataValue.int(int(tokens.sum())),
        f"{prefix}message_count": dg.MetadataValue.int(int(usage["message_count"].sum())),
        "agents": dg.MetadataValue.int(int(usage["agent_id"].nunique())),
    }
