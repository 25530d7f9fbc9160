"""The pricing table and the cost formula: cache writes of both kinds, tiers, billed totals, model ids."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from mission_pipeline.pricing.catalog import Pricing
from mission_pipeline.pricing.costs import RATE_COLUMNS, price_calls, sum_priced
from mission_pipeline.pricing.table import PriceTable, PricingError, canonical_model_id

DAY = dt.date(2026, 11, 27)
MILLION = 1_000_000


def calls(*rows: dict[str, object]) -> pd.DataFrame:
    """Calls as price_calls takes them: one row each, zero where a count is not given."""
    base = {
        "date": DAY, "provider": "anthropic", "model_id": "claude-sonnet-4-5", "billed": False,
        "input_tokens": 0, "output_tokens": 0, "cache_read_tokens": 0, "cache_write_tokens": 0,
        "cache_write_1h_tokens": 0, "recorded_cost_usd": None, "message_count": 1,
    }  # fmt: skip
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["prompt_tokens"] = frame["input_tokens"] + frame["cache_read_tokens"] + frame["cache_write_tokens"]
    return frame


PRICING = Pricing.load()


@pytest.mark.parametrize(
    ("model", "price_in", "price_out"),
    [("claude-opus-4-6", 15.0, 75.0), ("claude-sonnet-4-5", 3.0, 15.0), ("claude-haiku-3-5", 0.25, 1.25)],
)
def test_default_models_cost_with_both_kinds_of_cache_write(
    model: str, price_in: float, price_out: float
) -> None:
    row = price_calls(
        calls(
            {
                "model_id": model,
                "input_tokens": 20_000,
                "output_tokens": 1_000,
                "cache_read_tokens": 100_000,
                "cache_write_tokens": 40_000,
                "cache_write_1h_tokens": 10_000,
            }
        ),
        PRICING,
    ).iloc[0]
    assert row["input_cost"] == pytest.approx(0.02 * price_in)
    assert row["output_cost"] == pytest.approx(0.001 * price_out)
    assert row["cache_read_cost"] == pytest.approx(0.1 * price_in * 0.1)
    # 30,000 five-minute writes at 1.25 x input, 10,000 one-hour writes at 2 x input.
    assert row["cache_write_cost"] == pytest.approx(0.03 * price_in * 1.25 + 0.01 * price_in * 2)
    assert row["total_cost"] == row["computed_cost"]
    assert row["price_source"] == "prices.toml"
    assert row["price_tier"] in {"all prompts", "prompt <= 200000"}


@pytest.mark.parametrize(
    ("prompt_input", "tier", "rates"),
    [
        (200_000, "prompt <= 200000", (3.0, 15.0, 0.3, 3.75, 6.0)),
        (200_001, "prompt > 200000", (6.0, 22.5, 0.6, 7.5, 12.0)),
    ],
)
def test_sonnet_prompts_above_200k_pay_the_long_context_rate_for_every_token(
    prompt_input: int, tier: str, rates: tuple[float, ...]
) -> None:
    # The tier is chosen by the whole prompt: input + cache reads + cache writes.
    row = price_calls(
        calls(
            {
                "input_tokens": prompt_input - 150_000,
                "cache_read_tokens": 140_000,
                "cache_write_tokens": 10_000,
                "cache_write_1h_tokens": 4_000,
                "output_tokens": 2_000,
            }
        ),
        PRICING,
    ).iloc[0]
    assert row["price_tier"] == tier
    assert tuple(row[list(RATE_COLUMNS)]) == rates
    expected = (
        (prompt_input - 150_000) * rates[0] + 2_000 * rates[1] + 140_000 * rates[2] + 6_000 * rates[3]
        + 4_000 * rates[4]
    ) / 1e6  # fmt: skip
    assert row["computed_cost"] == pytest.approx(expected, abs=1e-12)


def test_summing_tokens_first_would_be_wrong_so_each_tier_is_its_own_row() -> None:
    two = calls(
        {"input_tokens": 150_000, "output_tokens": 1_000},
        {"input_tokens": 150_000, "cache_read_tokens": 100_000, "output_tokens": 1_000},
    ).assign(agent_id="max")
    summed = sum_priced(price_calls(two, PRICING), ["agent_id", "date", "model_id"])
    assert list(summed["price_tier"]) == ["prompt <= 200000", "prompt > 200000"]
    short = (150_000 * 3 + 1_000 * 15) / 1e6
    long = (150_000 * 6 + 100_000 * 0.6 + 1_000 * 22.5) / 1e6
    assert summed["total_cost"].tolist() == pytest.approx([short, long], abs=1e-10)
    # Priced as one sum of 400,000 prompt tokens, the short call would pay the long rate too.
    assert summed["total_cost"].sum() < (300_000 * 6 + 100_000 * 0.6 + 2_000 * 22.5) / 1e6


def test_a_provider_billed_total_is_the_cost_and_the_computed_one_stays_beside_it() -> None:
    priced = price_calls(
        calls(
            {"input_tokens": 1_000, "output_tokens": 100, "billed": True, "recorded_cost_usd": 0.0123},
            {"input_tokens": 1_000, "output_tokens": 100},
        ).assign(agent_id="router"),
        PRICING,
    )
    assert priced["total_cost"].tolist() == pytest.approx([0.0123, 0.0045])
    assert priced["computed_cost"].tolist() == pytest.approx([0.0045, 0.0045])
    row = sum_priced(priced, ["agent_id", "date", "model_id"]).iloc[0]
    assert (row["billed_calls"], row["message_count"], row["cost_origin"]) == (1, 2, "mixed")
    assert row["total_cost"] == pytest.approx(0.0168)
    assert row["billed_cost"] == pytest.approx(0.0123)
    assert row["computed_cost"] == pytest.approx(0.009)


def test_an_unknown_model_keeps_its_tokens_and_gets_no_cost() -> None:
    priced = price_calls(calls({"model_id": "acme-mystery-1", "input_tokens": 5}), PRICING)
    row = sum_priced(priced.assign(agent_id="a"), ["agent_id", "date", "model_id"]).iloc[0]
    assert not row["priced"]
    assert row["input_tokens"] == 5
    assert row["price_tier"] == "unpriced"
    assert pd.isna(row["total_cost"])
    assert pd.isna(row["input_cost"])
    assert row["cost_origin"] is None


def test_a_billed_call_of_an_unknown_model_still_costs_what_was_charged() -> None:
    priced = price_calls(
        calls({"model_id": "acme-mystery-1", "input_tokens": 5, "billed": True, "recorded_cost_usd": 0.5}),
        PRICING,
    )
    row = sum_priced(priced.assign(agent_id="a"), ["agent_id", "date", "model_id"]).iloc[0]
    assert (row["priced"], row["total_cost"], row["cost_origin"]) == (True, 0.5, "provider-billed")
    assert pd.isna(row["computed_cost"])


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("anthropic/claude-opus-4-6", "claude-opus-4-6"),
        ("claude-opus-4-6", "claude-opus-4-6"),
        ("Claude-Opus-4.6", "claude-opus-4-6"),
        ("claude-3-5-haiku-20241022", "claude-haiku-3-5"),
        ("claude-haiku-3-5", "claude-haiku-3-5"),
        ("anthropic/claude-3-5-haiku-latest", "claude-haiku-3-5"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("openrouter/anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5"),
        ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-haiku-3-5"),
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
        ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
        ("claude-3-5-haiku@20241022", "claude-haiku-3-5"),
    ],
)
def test_model_ids_match_as_every_provider_spells_them(spelling: str, canonical: str) -> None:
    assert canonical_model_id(spelling) == canonical
    assert PriceTable.load().price_for(spelling, DAY) is not None


def test_a_price_change_applies_from_its_date_only(tmp_path: Path) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(
        """
[[model]]
id = "claude-opus-4-6"
effective_from = 2026-01-01
input = 15
output = 75

[[model]]
id = "claude-opus-4-6"
effective_from = 2026-12-01
input = 5
output = 25
cache_read = 0.4
"""
    )
    table = PriceTable.load(prices)
    before = table.price_for("claude-opus-4-6", dt.date(2026, 11, 30))
    after = table.price_for("anthropic/claude-opus-4-6", dt.date(2026, 12, 1))
    assert before is not None
    assert after is not None
    assert (before.base.input, before.base.cache_write, before.base.cache_read) == (15, 18.75, 1.5)
    assert (after.base.input, after.base.output, after.base.cache_read) == (5, 25, 0.4)
    assert table.price_for("claude-opus-4-6", dt.date(2025, 12, 31)) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[model]]\nid = 'x'\neffective_from = 2026-01-01\ninput = -1\noutput = 1\n",
            "greater than or equal",
        ),
        ("[[model]]\nid = 'x'\ninput = 1\noutput = 1\n", "effective_from"),
        ("[[model]\n", "prices.toml"),
        (
            "[[model]]\nid = 'x'\neffective_from = 2026-01-01\ninput = 1\noutput = 1\nsurprise = 2\n",
            "surprise",
        ),
    ],
)
def test_an_invalid_pricing_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(text)
    with pytest.raises(PricingError, match=message):
        PriceTable.load(prices)


def test_a_missing_pricing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PricingError, match="cannot read pricing file"):
        PriceTable.load(tmp_path / "nope.toml")


def test_the_shipped_table_holds_the_setup_document_prices() -> None:
    in_force = {p.model: (p.base.input, p.base.output) for p in PriceTable.load().in_force(DAY)}
    assert in_force == {
        "claude-opus-4-6": (15.0, 75.0),
        "claude-sonnet-4-5": (3.0, 15.0),
        "claude-haiku-3-5": (0.25, 1.25),
    }


def test_the_shipped_tables_can_be_named_instead_of_a_path() -> None:
    table = PriceTable.load(Path("anthropic-list-prices.toml"))
    assert table.source == "anthropic-list-prices.toml"
    opus = table.price_for("claude-opus-4-6", DAY)
    assert opus is not None and (opus.base.input, opus.base.output) == (5.0, 25.0)


def test_two_tiers_above_the_same_prompt_size_are_refused(tmp_path: Path) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(
        "[[model]]\nid = 'x'\neffective_from = 2026-01-01\ninput = 1\noutput = 1\n"
        "[[model.tier]]\nabove = 10\ninput = 2\noutput = 2\n"
        "[[model.tier]]\nabove = 10\ninput = 3\noutput = 3\n"
    )
    with pytest.raises(PricingError, match="two tiers above the same prompt size"):
        PriceTable.load(prices)
