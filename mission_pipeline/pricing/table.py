"""The pricing table: a TOML file of per-model USD prices per 1M tokens, each valid from a date on."""

from __future__ import annotations

import bisect
import datetime as dt
import tomllib
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mission_pipeline.pricing.model_ids import canonical_model_id
from mission_pipeline.pricing.rates import ModelPrice, Rates, Tier

__all__ = ["SHIPPED_TABLES", "ModelPrice", "PriceTable", "PricingError", "canonical_model_id"]

# Tables shipped in the package; PRICING_FILE may name one of them instead of a path.
SHIPPED_TABLES = {
    "prices.toml": "The Mission Control setup document's prices (the default).",
    "anthropic-list-prices.toml": "Anthropic's published list prices.",
}
DEFAULT_TABLE = "prices.toml"

_Price = Field(ge=0, allow_inf_nan=False)


class PricingError(ValueError):
    """The pricing file is missing or invalid."""


class _Rates(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = _Price
    output: float = _Price
    cache_write: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    cache_write_1h: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    cache_read: float | None = Field(default=None, ge=0, allow_inf_nan=False)

    def rates(self) -> Rates:
        return Rates.from_input(
            self.input,
            self.output,
            cache_read=self.cache_read,
            cache_write=self.cache_write,
            cache_write_1h=self.cache_write_1h,
        )


class _TierEntry(_Rates):
    above: int = Field(gt=0)


class _Entry(_Rates):
    id: str
    name: str | None = None
    effective_from: dt.date
    tier: list[_TierEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_tiers(self) -> _Entry:
        thresholds = [t.above for t in self.tier]
        if len(set(thresholds)) != len(thresholds):
            raise ValueError(f"{self.id} has two tiers above the same prompt size")
        return self


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: list[_Entry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> _File:
        seen = set()
        for entry in self.model:
            key = (canonical_model_id(entry.id), entry.effective_from)
            if key in seen:
                raise ValueError(f"{entry.id} has two prices effective from {entry.effective_from}")
            seen.add(key)
        return self


class PriceTable:
    """Prices by canonical model id, each a list ordered by effective date."""

    def __init__(self, prices: list[ModelPrice], source: str) -> None:
        self.source = source
        self._by_model: dict[str, list[ModelPrice]] = {}
        for price in sorted(prices, key=lambda p: p.effective_from or dt.date.min):
            self._by_model.setdefault(canonical_model_id(price.model), []).append(price)

    @classmethod
    def load(cls, path: Path | None = None) -> PriceTable:
        """The table from `path` (a file, or the name of a shipped table), or the default one."""
        name = DEFAULT_TABLE if path is None else str(path)
        if name in SHIPPED_TABLES and (path is None or not path.exists()):
            text = (resources.files("mission_pipeline.pricing") / name).read_text(encoding="utf-8")
            source = name
        else:
            assert path is not None
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise PricingError(f"cannot read pricing file {path}: {exc.strerror}") from None
            source = str(path)
        try:
            parsed = _File.model_validate(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise PricingError(f"{source}: {exc}") from None
        except ValidationError as exc:
            reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise PricingError(f"{source}: {reasons}") from None
        return cls([_price(e, source) for e in parsed.model], source)

    def price_for(self, model: str | None, day: dt.date) -> ModelPrice | None:
        """The price in force for `model` on `day`, or None (no made-up cost for unknown models)."""
        if not model:
            return None
        prices = self._by_model.get(canonical_model_id(model), [])
        index = bisect.bisect_right([p.effective_from or dt.date.min for p in prices], day)
        return prices[index - 1] if index else None

    def in_force(self, day: dt.date) -> list[ModelPrice]:
        """Every model's price on `day`, for the README and the run metadata."""
        found = (self.price_for(prices[0].model, day) for prices in self._by_model.values())
        return [p for p in found if p is not None]


def _price(entry: _Entry, source: str) -> ModelPrice:
    tiers = [Tier(above=None, rates=entry.rates())]
    tiers += [Tier(above=t.above, rates=t.rates()) for t in sorted(entry.tier, key=lambda t: t.above)]
    return ModelPrice(model=entry.id, effective_from=entry.effective_from, tiers=tuple(tiers), source=source)
