"""A model's prices: USD per 1M tokens of each kind, by prompt-size tier, with where they came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Anthropic's multipliers on a tier's input price (its published price page; OpenClaw applies the same).
CACHE_WRITE_MULTIPLIER = 1.25  # 5-minute cache writes
CACHE_WRITE_1H_MULTIPLIER = 2.0  # 1-hour cache writes
CACHE_READ_MULTIPLIER = 0.1
RATE_DECIMALS = 10  # numeric(20, 10) in the tables


@dataclass(frozen=True)
class Rates:
    """USD per 1M tokens: uncached input, output, cache reads, 5-minute and 1-hour cache writes."""

    input: float
    output: float
    cache_read: float
    cache_write: float
    cache_write_1h: float

    @classmethod
    def from_input(
        cls,
        input: float,
        output: float,
        *,
        cache_read: float | None = None,
        cache_write: float | None = None,
        cache_write_1h: float | None = None,
    ) -> Rates:
        """Rates with any cache price left out derived from `input` by Anthropic's multipliers."""

        def derived(multiplier: float) -> float:
            # Rounded as the tables store rates, so 3 x 0.1 is the 0.3 a price list would state.
            return round(input * multiplier, RATE_DECIMALS)

        return cls(
            input=input,
            output=output,
            cache_read=derived(CACHE_READ_MULTIPLIER) if cache_read is None else cache_read,
            cache_write=derived(CACHE_WRITE_MULTIPLIER) if cache_write is None else cache_write,
            cache_write_1h=derived(CACHE_WRITE_1H_MULTIPLIER) if cache_write_1h is None else cache_write_1h,
        )


@dataclass(frozen=True)
class Tier:
    """Rates for calls whose prompt (input + cache read + cache write tokens) is above `above` tokens;
    `above` None is the base tier, for every prompt no other tier takes."""

    above: int | None
    rates: Rates

    @property
    def first_prompt(self) -> int:
        """The smallest prompt this tier prices."""
        return 0 if self.above is None else self.above + 1


@dataclass(frozen=True)
class ModelPrice:
    """One model's prices from `effective_from` on, as one table states them.

    `source` names the table ("prices.toml", "genai-prices 0.2.5"); `tiers` starts with the base tier,
    then the others by ascending threshold. A prompt pays the rates of the highest tier it is above,
    for all of its tokens (providers' long-context pricing is a cliff, not a step per token).
    """

    model: str
    effective_from: dt.date | None
    tiers: tuple[Tier, ...]
    source: str

    @property
    def base(self) -> Rates:
        return self.tiers[0].rates

    def tier_for(self, prompt_tokens: float) -> Tier:
        """The tier that prices a call with this prompt size."""
        chosen = self.tiers[0]
        for tier in self.tiers[1:]:
            if tier.above is not None and prompt_tokens > tier.above:
                chosen = tier
        return chosen

    def tier_label(self, tier: Tier) -> str:
        """How a row names the tier that priced it: `all prompts`, `prompt <= N` or `prompt > N`."""
        if tier.above is not None:
            return f"prompt > {tier.above}"
        thresholds = [t.above for t in self.tiers[1:] if t.above is not None]
        return f"prompt <= {min(thresholds)}" if thresholds else "all prompts"

    def thresholds(self) -> list[int]:
        """The prompt sizes where this model's tier changes (each the first prompt of a tier)."""
        return [t.first_prompt for t in self.tiers[1:]]
