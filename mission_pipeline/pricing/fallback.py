"""Prices for models the pricing table does not list, from pydantic's genai-prices (offline, pinned).

genai-prices ships a dated snapshot of every major provider's prices inside the package; nothing is
fetched at run time (its auto-update is never started). Its rates are turned into the same `ModelPrice`
the TOML table gives, so one cost formula prices every call, and a row can name the rate it used.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from importlib.metadata import version
from typing import Any

from mission_pipeline.pricing.model_ids import canonical_model_id, version_first_id
from mission_pipeline.pricing.rates import CACHE_WRITE_1H_MULTIPLIER, RATE_DECIMALS, ModelPrice, Rates, Tier

PACKAGE = "genai-prices"


@cache
def fallback_source() -> str:
    """How rows priced by the fallback name their source: the package and its pinned version."""
    return f"{PACKAGE} {version(PACKAGE)}"


class FallbackPrices:
    """Looks models up in genai-prices' bundled snapshot, remembering each answer."""

    def __init__(self) -> None:
        self._found: dict[tuple[str | None, str, dt.date], ModelPrice | None] = {}

    def price_for(self, provider: str | None, model: str | None, day: dt.date) -> ModelPrice | None:
        """`provider`'s `model` as priced on `day`, or None when genai-prices does not know it."""
        if not model:
            return None
        key = (provider, model, day)
        if key not in self._found:
            self._found[key] = _look_up(provider, model, day)
        return self._found[key]


def _look_up(provider: str | None, model: str, day: dt.date) -> ModelPrice | None:
    from genai_prices import data_snapshot  # about 0.3 s to import: only when a model needs it

    snapshot = data_snapshot.get_snapshot()
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    # OpenClaw's provider name is often genai-prices' provider id (anthropic, openai, openrouter); when
    # it is not, genai-prices picks the provider from the model id, first as spelled, then canonical.
    canonical = canonical_model_id(model)
    attempts = [(provider, model), (None, model), (None, canonical), (None, version_first_id(canonical))]
    for provider_id, model_ref in attempts:
        if model_ref is None:
            continue
        try:
            _provider, info = snapshot.find_provider_model(model_ref, None, provider_id, None)
        except LookupError:
            continue
        return _model_price(info.id, info.get_prices(moment))
    return None


def _model_price(model_id: str, prices: Any) -> ModelPrice | None:
    """genai-prices' per-1M prices as our tiers; None when it has no token price for the model."""
    keys = {
        "input": prices.input_mtok,
        "output": prices.output_mtok,
        "cache_read": prices.cache_read_mtok,
        "cache_write": prices.cache_write_mtok or prices.cache_write_5m_mtok,
        "cache_write_1h": prices.cache_write_1h_mtok,
    }
    if keys["input"] is None or keys["output"] is None:
        return None
    starts = sorted({t.start for price in keys.values() if _is_tiered(price) for t in price.tiers})
    tiers = [Tier(above=None, rates=_rates(keys, None))]
    tiers += [Tier(above=start, rates=_rates(keys, start)) for start in starts]
    return ModelPrice(model=model_id, effective_from=None, tiers=tuple(tiers), source=fallback_source())


def _rates(keys: dict[str, Any], above: int | None) -> Rates:
    """The rates for prompts above `above` tokens (None: the base rates).

    A cache price genai-prices leaves out is charged as input there (its tokens are a part of the
    input), as its own calculator does. A 1-hour write without a price of its own costs 2 x input:
    only Claude responses split out 1-hour writes, and that is Anthropic's rule (and OpenClaw's).
    """
    value = {name: _at(price, above) for name, price in keys.items()}
    input_rate = value["input"]
    assert input_rate is not None
    assert value["output"] is not None
    one_hour = value["cache_write_1h"]
    return Rates(
        input=input_rate,
        output=value["output"],
        cache_read=value["cache_read"] if value["cache_read"] is not None else input_rate,
        cache_write=value["cache_write"] if value["cache_write"] is not None else input_rate,
        cache_write_1h=one_hour
        if one_hour is not None
        else round(input_rate * CACHE_WRITE_1H_MULTIPLIER, RATE_DECIMALS),
    )


def _at(price: Any, above: int | None) -> float | None:
    """A genai-prices price (a Decimal or tiered prices) for prompts above `above` tokens."""
    if price is None:
        return None
    if not _is_tiered(price):
        return float(price)
    chosen: Decimal = price.base
    for tier in price.tiers:  # sorted by start; a tier applies to prompts above its start
        if above is not None and above >= tier.start:
            chosen = tier.price
    return float(chosen)


def _is_tiered(price: Any) -> bool:
    return hasattr(price, "tiers") and hasattr(price, "base")
