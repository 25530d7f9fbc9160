"""The pricing table: the setup document's prices, cache multipliers, dated changes, model ids."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from mission_pipeline.pricing.costs import price_usage
from mission_pipeline.pricing.table import PriceTable, PricingError, canonical_model_id

DAY = dt.date(2026, 11, 27)
MILLION = 1_000_000


@pytest.mark.parametrize(
    ("model", "price_in", "price_out"),
    [
        ("anthropic/claude-opus-4-6", 15.0, 75.0),
        ("anthropic/claude-sonnet-4-5", 3.0, 15.0),
        ("anthropic/claude-haiku-3-5", 0.25, 1.25),
    ],
)
def test_default_models_cost_with_cache_tokens(model: str, price_in: float, price_out: float) -> None:
    usage = pd.DataFrame(
        [
            {
                "model": model,
                "date": DAY,
                "input_tokens": 2_000_000,
                "output_tokens": 100_000,
                "cache_read_tokens": 10_000_000,
                "cache_write_tokens": 400_000,
            }
        ]
    )
    row = price_usage(usage, PriceTable.load()).iloc[0]
    assert row["input_cost"] == pytest.approx(2 * price_in)
    assert row["output_cost"] == pytest.approx(0.1 * price_out)
    assert row["cache_read_cost"] == pytest.approx(10 * price_in * 0.1)
    assert row["cache_write_cost"] == pytest.approx(0.4 * price_in * 1.25)
    assert row["total_cost"] == pytest.approx(
        2 * price_in + 0.1 * price_out + 10 * price_in * 0.1 + 0.4 * price_in * 1.25
    )
    assert row["priced"]


def test_an_unknown_model_keeps_its_tokens_and_gets_no_cost() -> None:
    usage = pd.DataFrame(
        [
            {
                "model": "openai/gpt-9",
                "date": DAY,
                "input_tokens": 5,
                "output_tokens": 5,
                "cache_read_tokens": 0,
                "cache_write_tokens": 0,
            }
        ]
    )
    row = price_usage(usage, PriceTable.load()).iloc[0]
    assert not row["priced"]
    assert row["input_tokens"] == 5
    assert pd.isna(row["total_cost"])
    assert pd.isna(row["input_cost"])


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
    ],
)
def test_model_ids_match_with_or_without_prefix_and_date(spelling: str, canonical: str) -> None:
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
    assert before is not None and (before.input, before.cache_write, before.cache_read) == (15, 18.75, 1.5)
    assert after is not None and (after.input, after.output, after.cache_read) == (5, 25, 0.4)
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
    in_force = {p.model: (p.input, p.output) for p in PriceTable.load().in_force(DAY)}
    assert in_force == {
        "claude-opus-4-6": (15.0, 75.0),
        "claude-sonnet-4-5": (3.0, 15.0),
        "claude-haiku-3-5": (0.25, 1.25),
    }
