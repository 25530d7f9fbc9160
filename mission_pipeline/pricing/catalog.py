"""Which price applies to a call: the pricing table where it lists the model, else genai-prices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mission_pipeline.pricing.fallback import FallbackPrices, fallback_source
from mission_pipeline.pricing.rates import ModelPrice
from mission_pipeline.pricing.table import PriceTable


class Pricing:
    """The pricing table first, the pinned fallback table second; None when neither knows a model."""

    def __init__(self, table: PriceTable, fallback: FallbackPrices | None = None) -> None:
        self.table = table
        self.fallback = fallback

    @classmethod
    def load(cls, path: Path | None = None, *, fallback: bool = True) -> Pricing:
        """The table of `path` (default: the shipped prices.toml), with genai-prices behind it."""
        return cls(PriceTable.load(path), FallbackPrices() if fallback else None)

    @property
    def source(self) -> str:
        """Both tables, in the order they are asked."""
        if self.fallback is None:
            return self.table.source
        return f"{self.table.source}, then {fallback_source()}"

    def price_for(self, provider: str | None, model: str | None, day: dt.date) -> ModelPrice | None:
        """The price of `provider`'s `model` on `day`."""
        listed = self.table.price_for(model, day)
        if listed is not None or self.fallback is None:
            return listed
        return self.fallback.price_for(provider, model, day)

    def is_fallback(self, price: ModelPrice) -> bool:
        return price.source != self.table.source
