"""The pipeline's cost of every call equals the cost the real OpenClaw recorded for it, in both eras.

OpenClaw 2026.9.6 ran against a stand-in Anthropic server with its model prices set to those of the
shipped prices.toml (and genai-prices' for the model prices.toml does not list): calls with 1-hour
cache writes, prompts on both sides of Sonnet 4.5's 200,000-token tier, Bedrock and Vertex model ids, a
model no table prices. Its own cost engine recorded each call's cost in the transcript.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from mission_pipeline.openclaw.usage.events import UsageEvent
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.costs import price_calls
from mission_pipeline.pricing.fallback import fallback_source
from mission_pipeline_tests.defs.jobs import check_results, run_job
from mission_pipeline_tests.fixtures.pipeline import PipelineResources
from mission_pipeline_tests.fixtures.postgres import query
from mission_pipeline_tests.openclaw.usage.helpers import read_all
from mission_pipeline_tests.pricing.openclaw_cost_data import BILLED_RECORDING, ERAS, recorded_state

# OpenClaw's cost is float arithmetic on the same counts and rates: equal to far below a cent.
PER_CALL_USD = 1e-9
UNPRICED = "acme-mystery-1"


def priced_calls(events: list[UsageEvent]) -> pd.DataFrame:
    frame = pd.DataFrame(events, columns=UsageEvent._fields)
    frame["date"] = [e.occurred_at.date() for e in events]
    frame["model_id"] = frame["model"]
    frame["billed"] = frame["recorded_cost_origin"] == "provider-billed"
    frame["message_count"] = 1
    frame["prompt_tokens"] = frame["input_tokens"] + frame["cache_read_tokens"] + frame["cache_write_tokens"]
    return price_calls(frame, Pricing.load())


@pytest.mark.parametrize("era", ERAS)
def test_every_call_costs_what_openclaw_recorded(tmp_path: Path, era: str) -> None:
    events, problems = read_all(recorded_state(tmp_path, era))
    assert not problems
    calls = priced_calls(events)
    for _, call in calls.iterrows():
        where = f"{call['agent_id']} {call['model']} {call['source_path']}:{call['source_line']}"
        if call["model"] == UNPRICED:
            assert pd.isna(call["total_cost"]), where  # no table knows it: no made-up cost
            assert call["recorded_cost_usd"] in (None, 0.0) or pd.isna(call["recorded_cost_usd"]), where
            continue
        assert abs(call["total_cost"] - call["recorded_cost_usd"]) <= PER_CALL_USD, where

    # The recording holds every case the cost rules are about.
    assert (calls["cache_write_1h_tokens"] > 0).any()
    assert (
        (calls["cache_write_1h_tokens"] > 0) & (calls["cache_write_1h_tokens"] < calls["cache_write_tokens"])
    ).any()
    assert (calls["price_tier"] == "prompt > 200000").any()
    assert (calls["price_tier"] == "prompt <= 200000").any()
    assert {"us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-sonnet-4-5@20250929"} <= set(
        calls["model"]
    )
    assert (calls["price_source"] == fallback_source()).any()
    assert (calls["price_source"] == "prices.toml").any()


ALL_USAGE = "select * from agent_usage order by agent_id"
ALL_USAGE_BY_MODEL = "select * from agent_usage_by_model order by agent_id, model, price_tier"


@pytest.mark.parametrize("era", ERAS)
def test_the_day_costs_what_openclaw_recorded_per_agent_and_reruns_identically(
    tmp_path: Path,
    era: str,
    pipeline: PipelineResources,
) -> None:
    state = recorded_state(tmp_path, era)
    pipeline.state_dir = state
    events, _ = read_all(state)
    days = {e.occurred_at.astimezone(dt.UTC).date() for e in events}
    assert len(days) == 1, days
    day = days.pop().isoformat()

    with dg.instance_for_test() as instance:
        first = run_job("usage_job", instance=instance, partition=day, resources=pipeline)
        assert first.success
        usage = query(pipeline.database, ALL_USAGE)
        by_model = query(pipeline.database, ALL_USAGE_BY_MODEL)
        rerun = run_job("usage_job", instance=instance, partition=day, resources=pipeline)
        assert rerun.success
        assert query(pipeline.database, ALL_USAGE) == usage
        assert query(pipeline.database, ALL_USAGE_BY_MODEL) == by_model

    recorded: dict[str, float] = {}
    for e in events:
        recorded[e.agent_id] = recorded.get(e.agent_id, 0.0) + (e.recorded_cost_usd or 0.0)
    costs = dict(query(pipeline.database, "select agent_id, total_cost::float8 from agent_usage"))
    for agent, cost in recorded.items():
        assert costs[agent] == pytest.approx(cost, abs=PER_CALL_USD * len(events)), agent

    one_hour = query(
        pipeline.database,
        "select (select sum(cache_write_1h_tokens) from agent_usage_by_model),"
        " (select sum(cache_write_1h_tokens) from openclaw_usage_events)",
    )[0]
    assert one_hour[0] == one_hour[1] > 0
    checks = check_results(first)
    priced = checks["agent_usage_by_model/all_models_priced"]
    assert not priced.passed  # the model no table knows is named
    assert UNPRICED in str(priced.metadata["unpriced_models"].value)
    assert "claude-haiku-4-5" in str(priced.metadata["priced_by_fallback"].value)
    assert checks["agent_usage_by_model/cost_matches_recorded"].passed


@pytest.mark.parametrize("era", ERAS)
def test_a_provider_billed_call_costs_exactly_what_the_provider_billed(
    tmp_path: Path,
    era: str,
    pipeline: PipelineResources,
) -> None:
    state = recorded_state(tmp_path, era, BILLED_RECORDING)
    events, problems = read_all(state)
    assert not problems
    calls = priced_calls(events)
    billed = calls["recorded_cost_origin"] == "provider-billed"
    assert billed.sum() == 2 and (~billed).sum() == 1  # the recording: two billed calls, one computed
    for _, call in calls.iterrows():
        where = f"{call['source_path']}:{call['source_line']}"
        if call["recorded_cost_origin"] == "provider-billed":
            assert call["total_cost"] == call["recorded_cost_usd"], where  # the bill, not a recomputation
            assert call["computed_cost"] != call["total_cost"], where
        else:
            assert abs(call["total_cost"] - call["recorded_cost_usd"]) <= PER_CALL_USD, where

    pipeline.state_dir = state
    (day,) = {e.occurred_at.astimezone(dt.UTC).date().isoformat() for e in events}
    with dg.instance_for_test() as instance:
        result = run_job("usage_job", instance=instance, partition=day, resources=pipeline)
        assert result.success
    row = query(
        pipeline.database,
        "select message_count, billed_calls, billed_cost::float8, total_cost::float8, cost_origin"
        " from agent_usage_by_model",
    )
    recorded_total = sum(e.recorded_cost_usd or 0.0 for e in events)
    billed_total = sum(e.recorded_cost_usd or 0.0 for e in events if e.recorded_cost_origin)
    assert len(row) == 1
    calls_n, billed_n, billed_cost, total_cost, origin = row[0]
    assert (calls_n, billed_n, origin) == (3, 2, "mixed")
    assert billed_cost == pytest.approx(billed_total, abs=1e-12)
    assert total_cost == pytest.approx(recorded_total, abs=PER_CALL_USD)
    assert check_results(result)["agent_usage_by_model/cost_matches_recorded"].passed
