"""The fallback table: genai-prices prices what prices.toml does not list, exactly as genai-prices does."""

from __future__ import annotations

import datetime as dt
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from genai_prices import Usage, calc_price

from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.costs import price_calls
from mission_pipeline.pricing.fallback import FallbackPrices
from mission_pipeline.pricing.table import PriceTable

DAY = dt.date(2026, 11, 27)
PRICING = Pricing.load()
FALLBACK = f"genai-prices {version('genai-prices')}"


def computed_cost(
    provider: str, model: str, counts: tuple[int, int, int, int], one_hour: int = 0
) -> pd.Series:
    input_tokens, output, cache_read, cache_write = counts
    frame = pd.DataFrame(
        [
            {
                "date": DAY, "provider": provider, "model_id": model, "billed": False,
                "input_tokens": input_tokens, "output_tokens": output, "cache_read_tokens": cache_read,
                "cache_write_tokens": cache_write, "cache_write_1h_tokens": one_hour,
                "recorded_cost_usd": None, "message_count": 1,
                "prompt_tokens": input_tokens + cache_read + cache_write,
            }
        ]
    )  # fmt: skip
    return price_calls(frame, PRICING).iloc[0]


@pytest.mark.parametrize(
    ("provider", "model", "counts"),
    [
        ("anthropic", "claude-haiku-4-5", (12_000, 800, 40_000, 3_000)),
        ("openai", "gpt-5-mini", (9_000, 1_200, 20_000, 0)),
        ("google", "gemini-2.5-pro", (50_000, 2_000, 10_000, 0)),
        ("google", "gemini-2.5-pro", (150_000, 2_000, 60_000, 0)),  # above its 200,000 tier
        ("google-vertex", "claude-sonnet-4-5@20250929", (10_000, 500, 100_000, 5_000)),
    ],
)
def test_a_model_prices_toml_does_not_list_costs_what_genai_prices_says(
    provider: str, model: str, counts: tuple[int, int, int, int]
) -> None:
    input_tokens, output, cache_read, cache_write = counts
    listed = PriceTable.load().price_for(model, DAY)
    ours = computed_cost(provider, model, counts)
    # genai-prices counts cache tokens inside input_tokens.
    usage = Usage(
        input_tokens=input_tokens + cache_read + cache_write,
        output_tokens=output,
        cache_read_tokens=cache_read,
        cache_write_tokens=cache_write,
    )
    theirs = calc_price(usage, model, genai_request_timestamp=dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
    if listed is None:
        assert ours["price_source"] == FALLBACK
        assert ours["computed_cost"] == pytest.approx(float(theirs.total_price), rel=1e-12)
    else:  # Sonnet 4.5 is in prices.toml: the table wins, and here the two agree
        assert ours["price_source"] == "prices.toml"
        assert ours["computed_cost"] == pytest.approx(float(theirs.total_price), rel=1e-12)


def test_one_hour_writes_of_a_fallback_claude_cost_its_one_hour_price() -> None:
    ours = computed_cost("anthropic", "claude-haiku-4-5", (1_000, 100, 0, 10_000), one_hour=4_000)
    assert ours["cache_write_1h_rate"] == 2.0  # genai-prices' own 1-hour price: 2 x $1 input
    assert ours["cache_write_cost"] == pytest.approx((6_000 * 1.25 + 4_000 * 2.0) / 1e6)


def test_a_bedrock_claude_without_a_listed_one_hour_price_pays_twice_its_input() -> None:
    pricing = Pricing(PriceTable([], "empty.toml"), PRICING.fallback)
    price = pricing.price_for("amazon-bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", DAY)
    assert price is not None and price.source == FALLBACK
    assert (price.base.input, price.base.cache_write_1h) == (0.8, 1.6)


def test_a_model_neither_table_knows_stays_unpriced() -> None:
    assert PRICING.price_for("acme", "acme-mystery-1", DAY) is None
    assert pd.isna(computed_cost("acme", "acme-mystery-1", (5, 5, 0, 0))["computed_cost"])


def test_anthropic_list_prices_agree_with_genai_prices() -> None:
    """The shipped list-price table is Anthropic's price page; genai-prices tracks the same page."""
    table = PriceTable.load(Path("anthropic-list-prices.toml"))
    fallback = FallbackPrices()
    moment = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    for price in table.in_force(DAY):
        for prompt, tier in [(1_000, price.tiers[0]), *((t.first_prompt, t) for t in price.tiers[1:])]:
            cache_read, cache_write = prompt // 4, prompt // 4
            usage = Usage(
                input_tokens=prompt,
                output_tokens=1_000,
                cache_read_tokens=cache_read,
                cache_write_tokens=cache_write,
            )
            rates = tier.rates
            ours = (
                (prompt - cache_read - cache_write) * rates.input + 1_000 * rates.output
                + cache_read * rates.cache_read + cache_write * rates.cache_write
            ) / 1e6  # fmt: skip
            # genai-prices knows Haiku 3.5 as claude-3-5-haiku: look it up the way the fallback does.
            found = fallback.price_for("anthropic", price.model, DAY)
            assert found is not None, price.model
            theirs = float(calc_price(usage, found.model, genai_request_timestamp=moment).total_price)
            assert ours == pytest.approx(theirs, rel=1e-12), (price.model, prompt)
