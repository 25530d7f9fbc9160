"""The pricing table: per-model USD prices per 1M tokens, each valid from a date on."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

# Anthropic's multipliers on the input price: 5-minute cache writes and cache reads.
CACHE_WRITE_MULTIPLIER = 1.25
CACHE_READ_MULTIPLIER = 0.1

_DATE_SUFFIX = re.compile(r"-(\d{8}|latest)$")
_VERSION_FIRST = re.compile(r"^claude-(\d+(?:-\d+)?)-(opus|sonnet|haiku)$")


class PricingError(ValueError):
    """The pricing file is missing or invalid."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str | None = None
    effective_from: dt.date
    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cache_write: float | None = Field(default=None, ge=0)
    cache_read: float | None = Field(default=None, ge=0)


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


@dataclass(frozen=True)
class ModelPrice:
    """USD per 1M tokens of one model from `effective_from` on."""

    model: str
    effective_from: dt.date
    input: float
    output: float
    cache_write: float
    cache_read: float


def canonical_model_id(model: str) -> str:
    """One spelling per model: no provider prefix, no date suffix, family before version."""
    name = model.strip().lower().rsplit("/", 1)[-1].replace(".", "-").replace("_", "-")
    name = _DATE_SUFFIX.sub("", name)
    version_first = _VERSION_FIRST.match(name)
    if version_first:
        name = f"claude-{version_first.group(2)}-{version_first.group(1)}"
    return name


class PriceTable:
    """Prices by canonical model id, each a list ordered by effective date."""

    def __init__(self, prices: list[ModelPrice], source: str) -> None:
        self.source = source
        self._by_model: dict[str, list[ModelPrice]] = {}
        for price in sorted(prices, key=lambda p: p.effective_from):
            self._by_model.setdefault(canonical_model_id(price.model), []).append(price)

    @classmethod
    def load(cls, path: Path | None = None) -> PriceTable:
        """The table from `path`, or the one shipped with the package."""
        if path is None:
            text = (resources.files("mission_pipeline.pricing") / "prices.toml").read_text(encoding="utf-8")
            source = "mission_pipeline/pricing/prices.toml"
        else:
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
        return cls([_price(e) for e in parsed.model], source)

    def price_for(self, model: str | None, day: dt.date) -> ModelPrice | None:
        """The price in force for `model` on `day`, or None (no made-up cost for unknown models)."""
        if not model:
            return None
        prices = self._by_model.get(canonical_model_id(model), [])
        index = bisect.bisect_right([p.effective_from for p in prices], day)
        return prices[index - 1] if index else None

    def in_force(self, day: dt.date) -> list[ModelPrice]:
        """Every model's price on `day`, for the README and the run metadata."""
        found = (self.price_for(prices[0].model, day) for prices in self._by_model.values())
        return [p for p in found if p is not None]


def _price(entry: _Entry) -> ModelPrice:
    return ModelPrice(
        model=entry.id,
        effective_from=entry.effective_from,
        input=entry.input,
        output=entry.output,
        cache_write=entry.cache_write
        if entry.cache_write is not None
        else entry.input * CACHE_WRITE_MULTIPLIER,
        cache_read=entry.cache_read if entry.cache_read is not None else entry.input * CACHE_READ_MULTIPLIER,
    )
