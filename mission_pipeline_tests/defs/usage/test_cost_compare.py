"""The cost check's reasoning on hand-made ledger sums: tiers, missing prices, calls without a cost."""

import datetime as dt

import pandas as pd
import pytest

from mission_pipeline.defs.usage import cost_report
from mission_pipeline.defs.usage.cost_compare import ModelDay, Status, compare
from mission_pipeline.openclaw.model_rates import ConfiguredRates, parse_model_rates
from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.rates import ModelPrice, Rates, Tier
from mission_pipeline.pricing.table import PriceTable

DAY = dt.date(2026, 11, 27)
M = 1_000_000
RATES = parse_model_rates(
    {
        "providers": {
            "p": {
                "apiKey": "sk-never-read",
                "models": [
                    {"id": "tiered", "cost": {"input": 3, "output": 15, "tieredPricing": [
                        {"range": [0, 200000], "input": 3, "output": 15, "cacheRead": 0, "cacheWrite": 0},
                        {"range": [200000], "input": 6, "output": 22.5, "cacheRead": 0, "cacheWrite": 0},
                    ]}},
                    {"id": "same", "cost": {"input": 1, "output": 2}},
                    {"id": "untabled", "cost": {"input": 1, "output": 2}},
                ],
            }
        }
    }
)  # fmt: skip


def flat(model: str, input_rate: float, output_rate: float) -> ModelPrice:
    rates = Rates(input_rate, output_rate, cache_read=0, cache_write=0, cache_write_1h=0)
    return ModelPrice(model, DAY, (Tier(above=None, rates=rates),), "test-prices.toml")


PRICES = Pricing(
    PriceTable(
        [flat("tiered", 3, 15), flat("same", 1, 2), flat("unconfigured", 1, 2), flat("catalog", 1, 2)],
        "test-prices.toml",
    )
)


def band(
    model: str, band: int, recorded: bool, input_tokens: float, cost: float, calls: int = 1
) -> dict[str, object]:
    return {
        "date": DAY, "model": f"p/{model}", "provider": "p", "model_id": model, "band": band,
        "recorded": recorded, "billed": False, "input": input_tokens, "output": 0.0, "cache_read": 0.0,
        "cache_write": 0.0, "cache_write_1h": 0.0,
        "recorded_cost": cost if recorded else 0.0, "calls": calls,
    }  # fmt: skip


def dashboard(model: str, cost: float | None) -> dict[str, object]:
    return {"model": f"p/{model}", "date": DAY, "total_cost": cost, "priced": cost is not None}


def run(
    bands: list[dict[str, object]], costs: list[dict[str, object]], rates: ConfiguredRates | None = RATES
) -> dict[str, ModelDay]:
    edges = rates.tier_boundaries() if rates is not None else []
    days = compare(pd.DataFrame(bands), pd.DataFrame(costs), PRICES, rates, edges, 0.01)
    return {d.model.split("/")[1]: d for d in days}


def test_tiers_are_chosen_per_call_prompt_size() -> None:
    assert RATES.tier_boundaries() == [0, 1, 200000]
    # One million input tokens in small prompts (band 2: 1..199,999) and one million in big ones (band 3).
    days = run(
        [band("tiered", 2, True, M, 3.0, calls=10), band("tiered", 3, True, M, 6.0)],
        [dashboard("tiered", 6.0)],
    )
    day = days["tiered"]
    assert day.reproduced == pytest.approx(9.0)  # flat rates would give 6 and call it unexplained
    assert day.status is Status.PRICE_LISTS
    verdict = cost_report.verdict([day], pricing_source="test-prices.toml", openclaw_problem=None)
    assert "prompts from 200,000 tokens: $6 in / $22.5 out" in verdict


def test_every_other_explained_case_and_the_one_that_is_not() -> None:
    days = run(
        [
            band("same", 1, True, M, 1.0),
            band("same", 1, False, M, 0.0, calls=4),  # transcripts gave no cost for 4 calls
            band("unconfigured", 1, True, M, 0.0),  # OpenClaw has no price: it records 0
            band("untabled", 1, True, M, 1.0),  # prices.toml has no price
            band("catalog", 1, True, M, 1.0),  # no rates in openclaw.json, but equal costs need none
        ],
        [
            dashboard(m, c)
            for m, c in (("same", 2.0), ("unconfigured", 1.0), ("untabled", None), ("catalog", 1.0))
        ],
    )
    assert {m: d.status for m, d in days.items()} == {
        "same": Status.NOT_RECORDED,
        "unconfigured": Status.NO_OPENCLAW_PRICE,
        "untabled": Status.UNPRICED,
        "catalog": Status.AGREE,
    }
    assert days["same"].unrecorded_calls == 4
    verdict = cost_report.verdict(list(days.values()), pricing_source="x", openclaw_problem=None)
    assert verdict.startswith("The costs differ, but every difference is explained")
    assert "4 calls of p/same carry no recorded cost" in verdict
    assert "OpenClaw recorded no cost for p/unconfigured: openclaw.json configures no price" in verdict
    assert "No price table knows p/untabled (neither prices.toml nor genai-prices)" in verdict


def test_a_recorded_cost_without_configured_rates_cannot_be_explained() -> None:
    days = run([band("catalog", 1, True, M, 5.0)], [dashboard("catalog", 1.0)])
    assert days["catalog"].status is Status.UNKNOWN
    assert not days["catalog"].status.explained
    verdict = cost_report.verdict(list(days.values()), pricing_source="x", openclaw_problem=None)
    assert verdict.startswith("Cannot tell why the costs of p/catalog differ")
    # Without openclaw.json nothing but agreement can be told.
    unread = run([band("same", 1, True, M, 5.0)], [dashboard("same", 1.0)], rates=None)
    assert unread["same"].status is Status.UNKNOWN and unread["same"].reproduced is None


def test_one_hour_writes_and_provider_billed_totals_reproduce_as_openclaw_records_them() -> None:
    one_hour = {**band("same", 1, True, 0.0, 0.0), "cache_write": float(M), "cache_write_1h": float(M)}
    one_hour["recorded_cost"] = 2.0  # OpenClaw: 1-hour writes at 2 x the $1 input rate
    billed = {**band("same", 1, True, float(M), 0.0), "billed": True, "recorded_cost": 0.7}
    days = run([one_hour, billed], [dashboard("same", 2.7)])
    day = days["same"]
    assert day.reproduced == pytest.approx(2.7)  # the billed total counts as what was charged
    assert day.status is Status.AGREE
