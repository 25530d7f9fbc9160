"""OpenClaw's configured model rates read from `openclaw.json`: numbers only, never a key."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from mission_pipeline.openclaw.config import load_config
from mission_pipeline.openclaw.model_rates import CostRates, parse_model_rates
from mission_pipeline.openclaw.problems import ProblemLog


@pytest.mark.parametrize("version", ["v2026.9.6", "v2026.5.28"])
def test_both_samples_give_their_configured_rates(copy_sample: Callable[[str], Path], version: str) -> None:
    problems = ProblemLog()
    config = load_config(copy_sample(version), problems=problems, env={})
    assert not problems
    rates = config.model_rates
    assert rates.skipped == ()
    opus = rates.for_model("anthropic", "claude-opus-4-6")
    assert opus is not None and opus.tiers == ()
    assert opus.flat == CostRates(input=5, output=25, cache_read=0.5, cache_write=6.25)
    haiku = rates.for_model("anthropic", "claude-haiku-3-5")
    assert haiku is not None
    assert haiku.flat == CostRates(input=0.8, output=4, cache_read=0.08, cache_write=1)
    # The provider's apiKey reference and base URL are not in the model, nor anywhere in the config.
    dumped = config.model_dump_json()
    assert "OC_MOCK_ANTHROPIC_KEY" not in dumped
    assert "apiKey" not in dumped and "127.0.0.1" not in dumped


def test_ids_match_like_the_price_table() -> None:
    rates = parse_model_rates(
        {"providers": {"anthropic": {"models": [{"id": "claude-3-5-haiku-20241022", "cost": {"input": 1}}]}}}
    )
    for spelling in ("claude-haiku-3-5", "anthropic/claude-haiku-3-5", "claude-3-5-haiku-latest"):
        found = rates.for_model("anthropic", spelling)
        assert found is not None and found.flat.input == 1
    # A provider that configures nothing for the model falls back to one that does.
    other = rates.for_model("openrouter", "claude-haiku-3-5")
    assert other is not None and other.flat.input == 1
    assert rates.for_model("anthropic", "claude-opus-4-6") is None
    assert rates.for_model("anthropic", None) is None


def _rates(start_end: list[int], input_rate: float) -> dict[str, object]:
    """A complete tier: Anthropic's multipliers on `input_rate`, output 5x."""
    return {
        "range": start_end,
        "input": input_rate,
        "output": input_rate * 5,
        "cacheRead": input_rate * 0.1,
        "cacheWrite": input_rate * 1.25,
    }


def test_tiers_follow_openclaws_choice() -> None:
    section = {
        "providers": {
            "anthropic": {
                "apiKey": "sk-ant-secret-value",
                "headers": {"x-api-key": "sk-ant-header-secret"},
                "models": [
                    {
                        "id": "claude-sonnet-4-5",
                        "cost": {
                            "input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75,
                            "tieredPricing": [
                                _rates([200000], 6), _rates([0, 200000], 3),
                                {"range": [5], "input": 1},
                            ],
                        },
                    }
                ],
            }
        }
    }  # fmt: skip
    rates = parse_model_rates(section)
    sonnet = rates.for_model("anthropic", "claude-sonnet-4-5")
    assert sonnet is not None
    assert [(t.start, t.end) for t in sonnet.tiers] == [(0, 200000), (200000, math.inf)]
    assert sonnet.rates_for_prompt(0).input == 3
    assert sonnet.rates_for_prompt(199_999).input == 3
    assert sonnet.rates_for_prompt(200_000).input == 6
    assert rates.tier_boundaries() == [0, 1, 200000]
    # Floats only: the edges go to Postgres as one float8[] (psycopg refuses a list of mixed types).
    assert {type(edge) for edge in rates.tier_boundaries()} == {float}
    # The incomplete tier is dropped, as OpenClaw drops it, and named without its values.
    assert rates.skipped == (
        "models.providers.anthropic.models[0].cost.tieredPricing[2]: lacks output, cacheRead, cacheWrite",
    )
    assert "sk-ant" not in rates.model_dump_json()


def test_bad_costs_are_skipped_and_named() -> None:
    section = {
        "providers": {
            "a": {"models": [
                {"id": "m1", "cost": {"input": "5", "output": 25}},  # a string is not a number
                {"id": "m2", "cost": {"input": -1}},
                {"id": "m3", "cost": 7},
                {"id": "m4"},  # no cost configured: nothing to keep
                {"id": "m5", "cost": {"input": 2, "output": 8}},  # missing cache rates count as 0
                "nonsense",
            ]},
            "b": "nonsense",
        }
    }  # fmt: skip
    rates = parse_model_rates(section)
    assert list(rates.by_provider["a"]) == ["m5"]
    found = rates.for_model("a", "m5")
    assert found is not None and found.flat == CostRates(input=2, output=8)
    assert [s.split(":")[0] for s in rates.skipped] == [
        "models.providers.a.models[0].cost",
        "models.providers.a.models[1].cost",
        "models.providers.a.models[2].cost",
    ]
    assert parse_model_rates(None).by_provider == {}
    assert parse_model_rates({"providers": []}).by_provider == {}


def test_a_config_without_models_has_no_rates(tmp_path: Path) -> None:
    (tmp_path / "openclaw.json").write_text('{ agents: { list: [ { id: "a" } ] } }', encoding="utf-8")
    config = load_config(tmp_path, problems=ProblemLog(), env={})
    assert config.model_rates.by_provider == {}
    assert config.model_rates.for_model("anthropic", "claude-opus-4-6") is None
