"""The cost check's words: a per-model markdown table and a one-paragraph verdict for a newcomer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mission_pipeline.defs.usage.cost_compare import ModelDay, Status
from mission_pipeline.openclaw.model_rates import CostRates, ModelCost
from mission_pipeline.pricing.rates import ModelPrice, Rates

# Worst first: a model's row shows the worst answer of any of its days.
_SEVERITY = [
    Status.UNEXPLAINED, Status.UNKNOWN, Status.PRICE_LISTS, Status.UNPRICED, Status.NO_OPENCLAW_PRICE,
    Status.NOT_RECORDED, Status.AGREE,
]  # fmt: skip


def usd(value: float | None) -> str:
    return "none" if value is None else f"${value:,.6f}"


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _rates(r: CostRates | Rates) -> str:
    return (
        f"${_number(r.input)} in / ${_number(r.output)} out, cache write ${_number(r.cache_write)}, "
        f"cache read ${_number(r.cache_read)}"
    )


def openclaw_rates(cost: ModelCost | None, unreadable: bool = False) -> str:
    if unreadable:
        return "unknown (openclaw.json unreadable)"
    if cost is None:
        return "no price configured"
    tiers = "".join(f"; prompts from {t.start:,.0f} tokens: {_rates(t)}" for t in cost.tiers)
    return _rates(cost.flat) + tiers


def pipeline_rates(prices: Iterable[ModelPrice | None]) -> str:
    distinct = list(dict.fromkeys(prices))  # a price change inside the window shows both, in order
    if distinct == [None]:
        return "no price"
    return "; ".join(
        f"from {p.effective_from}: {_price_rates(p)}" if len(distinct) > 1 else _price_rates(p)
        for p in distinct
        if p is not None
    )


def _price_rates(price: ModelPrice) -> str:
    tiers = "".join(f"; prompts above {t.above:,} tokens: {_rates(t.rates)}" for t in price.tiers[1:])
    return f"{_rates(price.base)}{tiers} ({price.source})"


def _sum(values: Iterable[float | None]) -> float | None:
    listed = list(values)
    return None if any(v is None for v in listed) else sum(v for v in listed if v is not None)


def by_model(days: Sequence[ModelDay]) -> dict[str, list[ModelDay]]:
    grouped: dict[str, list[ModelDay]] = {}
    for day in days:
        grouped.setdefault(day.model, []).append(day)
    return grouped


def worst(days: Sequence[ModelDay]) -> Status:
    return min((d.status for d in days), key=_SEVERITY.index)


def models_table(days: Sequence[ModelDay], *, openclaw_unreadable: bool) -> str:
    """One row per model over the window: both rate sets and the three costs."""
    header = (
        "| model | verdict | calls | prices.toml per 1M (dashboard) | openclaw.json per 1M | dashboard cost "
        "| OpenClaw recorded | OpenClaw's rates on the ledger's tokens |\n|---|---|---|---|---|---|---|---|"
    )
    rows = [_row(model, group, openclaw_unreadable) for model, group in by_model(days).items()]
    return "\n".join([header, *rows]) if rows else "No usage in this window."


def _row(model: str, group: Sequence[ModelDay], openclaw_unreadable: bool) -> str:
    cells = [
        f"`{model}`",
        worst(group).label,
        str(sum(d.calls for d in group)),
        pipeline_rates(d.price for d in group),
        openclaw_rates(group[-1].rates, openclaw_unreadable),
        usd(_sum(d.dashboard for d in group)),
        usd(sum(d.recorded for d in group)),
        usd(_sum(d.reproduced for d in group)),
    ]
    return f"| {' | '.join(cells)} |"


def verdict(days: Sequence[ModelDay], *, pricing_source: str, openclaw_problem: str | None) -> str:
    """One paragraph: whether to act, and why the two costs differ."""
    if not days:
        return "No usage in this window: nothing to compare."
    models = by_model(days)
    status = {model: worst(group) for model, group in models.items()}
    if all(s is Status.AGREE for s in status.values()):
        return (
            "Costs agree: for every model the dashboard's cost (from prices.toml) matches what OpenClaw "
            "recorded within 1 %. Nothing to do."
        )
    said: list[str] = []
    unexplained = [d for d in days if d.status is Status.UNEXPLAINED]
    unknown = [m for m, s in status.items() if s is Status.UNKNOWN]
    if unexplained:
        said.append(
            "Unexplained difference, look into it: "
            + "; ".join(
                f"{d.model} on {d.day}: OpenClaw's own configured rates on the ledger's token counts give "
                f"{usd(d.reproduced)}, but OpenClaw recorded {usd(d.recorded)}"
                for d in unexplained
            )
            + ". So the token counts are not the ones OpenClaw billed, or OpenClaw's rates changed during "
            "the window (openclaw.json holds only today's; ledger rows written before 1-hour cache writes "
            "were kept count every write at the 5-minute rate until their day is rerun). Compare that "
            "day's transcripts with the ledger before trusting its costs."
        )
    if unknown:
        reason = (
            f"openclaw.json could not be read ({openclaw_problem}), so OpenClaw's rates are unknown. Make "
            "it readable (or point OPENCLAW_CONFIG_PATH at it) and rerun to learn whether only the prices "
            "differ"
            if openclaw_problem
            else "openclaw.json configures no price for them, yet OpenClaw recorded a cost (from rates the "
            "pipeline cannot see, such as OpenClaw's built-in model catalog). Configure their cost in "
            "openclaw.json to let this check tell"
        )
        said.append(f"Cannot tell why the costs of {', '.join(unknown)} differ: {reason}.")
    if not said:
        said.append(
            "The costs differ, but every difference is explained: OpenClaw's own configured rates applied to "
            "the ledger's token counts reproduce what it recorded, so the token counts are right."
        )
    said += _explained(models, status)
    if any(status[m] in (Status.PRICE_LISTS, Status.NO_OPENCLAW_PRICE) for m in models):
        said.append(
            f"The dashboard's costs use prices.toml ({pricing_source}). If those are not the prices you pay, "
            "edit prices.toml (a dated entry keeps earlier days as they were) or point PRICING_FILE at your "
            "own copy; if the setup document's prices are intended, there is nothing to do."
        )
    elif unknown:
        said.append(f"Until then the dashboard's costs use prices.toml ({pricing_source}).")
    return " ".join(said)


def _explained(models: dict[str, list[ModelDay]], status: dict[str, Status]) -> list[str]:
    said = []
    for model, group in models.items():
        dashboard_usd = _sum(d.dashboard for d in group)
        recorded_usd = sum(d.recorded for d in group)
        dashboard, recorded = usd(dashboard_usd), usd(recorded_usd)
        if status[model] is Status.PRICE_LISTS:
            difference = usd(None if dashboard_usd is None else dashboard_usd - recorded_usd)
            said.append(
                f"The price lists differ for {model}, by {difference}: the dashboard's table has "
                f"{pipeline_rates(d.price for d in group)} (dashboard {dashboard}), openclaw.json has "
                f"{openclaw_rates(group[-1].rates)} (OpenClaw recorded {recorded})."
            )
        elif status[model] is Status.NO_OPENCLAW_PRICE:
            said.append(
                f"OpenClaw recorded no cost for {model}: openclaw.json configures no price for it; the "
                f"dashboard prices it from prices.toml ({dashboard})."
            )
        elif status[model] is Status.NOT_RECORDED:
            calls = sum(d.unrecorded_calls for d in group)
            said.append(
                f"{calls} calls of {model} carry no recorded cost in OpenClaw's transcripts, so OpenClaw's "
                f"total ({recorded}) leaves them out; the dashboard prices them too ({dashboard})."
            )
        elif status[model] is Status.UNPRICED:
            said.append(
                f"No price table knows {model} (neither prices.toml nor genai-prices): the dashboard counts "
                f"its tokens but shows no cost (OpenClaw recorded {recorded}); add it to prices.toml."
            )
    return said
