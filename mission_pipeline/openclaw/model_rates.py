"""The per-1M-token rates OpenClaw prices calls with: `models.providers.<provider>.models[].cost`.

Only numbers are taken from the `models` section: the provider entries also hold `apiKey`, headers and
base URLs, which are never read, so no secret can reach the pipeline through this model.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mission_pipeline.pricing.model_ids import canonical_model_id

_RATE_KEYS = ("input", "output", "cacheRead", "cacheWrite")


def _rate(alias: str | None = None) -> Any:
    # Strict: a number in the JSON, never a string that merely looks like one.
    return Field(default=0.0, ge=0, strict=True, allow_inf_nan=False, alias=alias)


class CostRates(BaseModel):
    """USD per 1M tokens; a rate OpenClaw's config leaves out counts as 0, as in OpenClaw."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    input: float = _rate()
    output: float = _rate()
    cache_read: float = _rate("cacheRead")
    cache_write: float = _rate("cacheWrite")


class PricingTier(CostRates):
    """Rates for calls whose prompt (input + cache read + cache write tokens) is in [start, end)."""

    start: float = Field(ge=0, strict=True, allow_inf_nan=False)
    end: float = math.inf


class ModelCost(BaseModel):
    """One configured model's flat rates and, when configured, its prompt-size tiers (sorted)."""

    model_config = ConfigDict(frozen=True)

    model_id: str
    flat: CostRates
    tiers: tuple[PricingTier, ...] = ()

    def rates_for_prompt(self, prompt_tokens: float) -> CostRates:
        """OpenClaw's tier choice: the tier holding the prompt, else the last one starting below it."""
        if not self.tiers:
            return self.flat
        if prompt_tokens <= 0:
            return self.tiers[0]
        for tier in self.tiers:
            if tier.start <= prompt_tokens < tier.end:
                return tier
        below = [t for t in self.tiers if t.start <= prompt_tokens]
        return below[-1] if below else self.tiers[0]


class ConfiguredRates(BaseModel):
    """Every provider's configured model costs, by provider and canonical model id."""

    model_config = ConfigDict(frozen=True)

    by_provider: dict[str, dict[str, ModelCost]] = Field(default_factory=dict)
    # Entries left out because their cost did not validate: where, and why (never the values).
    skipped: tuple[str, ...] = ()

    def for_model(self, provider: str | None, model: str | None) -> ModelCost | None:
        """The rates of `provider`'s `model`, matched like the price table (prefix, date suffix);
        a model no entry of that provider configures falls back to the first provider that does."""
        if not model:
            return None
        key = canonical_model_id(model)
        own = self.by_provider.get(provider or "", {}).get(key)
        if own is not None:
            return own
        return next((models[key] for models in self.by_provider.values() if key in models), None)

    def tier_boundaries(self) -> list[float]:
        """Every prompt size where some model's tier choice can change (1 separates empty prompts)."""
        edges = {
            float(edge)
            for models in self.by_provider.values()
            for cost in models.values()
            for tier in cost.tiers
            for edge in (tier.start, tier.end)
            if math.isfinite(edge)
        }
        return sorted(edges | {1.0}) if edges else []


def parse_model_rates(models_section: Any) -> ConfiguredRates:
    """`models` of `openclaw.json` to ConfiguredRates; anything but the cost numbers is ignored."""
    providers = models_section.get("providers") if isinstance(models_section, dict) else None
    found: dict[str, dict[str, ModelCost]] = {}
    skipped: list[str] = []
    for provider, entry in providers.items() if isinstance(providers, dict) else ():
        listed = entry.get("models") if isinstance(entry, dict) else None
        for i, raw in enumerate(listed if isinstance(listed, list) else []):
            where = f"models.providers.{provider}.models[{i}]"
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or "cost" not in raw:
                continue  # no id or no cost configured: OpenClaw has no price of its own here
            try:
                cost = _model_cost(raw["id"], raw["cost"], where, skipped)
            except (ValidationError, ValueError) as exc:
                skipped.append(f"{where}.cost: {_reason(exc)}")
                continue
            found.setdefault(str(provider), {}).setdefault(canonical_model_id(raw["id"]), cost)
    return ConfiguredRates(by_provider=found, skipped=tuple(skipped))


def _model_cost(model_id: str, raw: Any, where: str, skipped: list[str]) -> ModelCost:
    if not isinstance(raw, dict):
        raise ValueError("cost is not an object")
    tiers: list[PricingTier] = []
    listed = raw.get("tieredPricing")
    for j, tier in enumerate(listed if isinstance(listed, list) else []):
        try:
            tiers.append(_tier(tier))
        except (ValidationError, ValueError) as exc:
            # OpenClaw's cost engine drops such a tier and keeps the others: so do we, and say so.
            skipped.append(f"{where}.cost.tieredPricing[{j}]: {_reason(exc)}")
    return ModelCost(
        model_id=model_id,
        flat=CostRates.model_validate(raw),
        tiers=tuple(sorted(tiers, key=lambda t: t.start)),
    )


def _tier(raw: Any) -> PricingTier:
    """A tier as OpenClaw normalizes it: all four rates, `[start]` or an end not above start is open."""
    if not isinstance(raw, dict) or not isinstance(raw.get("range"), list) or not raw["range"]:
        raise ValueError("no range")
    missing = [k for k in _RATE_KEYS if k not in raw]
    if missing:
        raise ValueError(f"lacks {', '.join(missing)}")
    start, *rest = raw["range"]
    tier = PricingTier.model_validate({**raw, "start": start})
    end = float(rest[0]) if rest and type(rest[0]) in (int, float) and math.isfinite(rest[0]) else math.inf
    return tier.model_copy(update={"end": end if end > tier.start else math.inf})


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return str(exc)
