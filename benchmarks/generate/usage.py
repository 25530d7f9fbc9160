"""A model call's token counts and recorded cost, and the values an assistant line shows of them."""

from __future__ import annotations

import math
import random
from typing import Any

from benchmarks.generate.transcript import Call
from benchmarks.generate.vocabulary import PRICES


def draw_usage(rng: random.Random, model: str, turn: int) -> Call:
    """Tokens of one call (cache reads growing along the session) and its cost at `model`'s prices."""
    inp = max(1, int(rng.lognormvariate(math.log(1400), 0.6)))
    out = max(1, int(rng.lognormvariate(math.log(280), 0.9)))
    read = min(int(6000 + turn % 40 * 1400 * rng.uniform(0.5, 1.5)), 190_000) if rng.random() < 0.9 else 0
    write = max(0, int(rng.lognormvariate(math.log(2500), 0.7)))
    p = PRICES[model]
    cost = inp * p[0] / 1e6 + out * p[1] / 1e6 + read * p[2] / 1e6 + write * p[3] / 1e6
    return inp, out, read, write, cost


def usage_values(usage: Call, model: str, provider: str, response: str, at: int, run: str) -> dict[str, Any]:
    """The template values of an assistant line carrying `usage` (both versions' fields)."""
    inp, out, read, write, _ = usage
    p = PRICES[model]
    ci, co, cr, cw = inp * p[0] / 1e6, out * p[1] / 1e6, read * p[2] / 1e6, write * p[3] / 1e6
    return {
        "provider": provider,
        "model": model,
        "input": inp,
        "output": out,
        "cache_read": read,
        "cache_write": write,
        "total_tokens": inp + out + read + write,
        "cost_input": ci,
        "cost_output": co,
        "cost_cache_read": cr,
        "cost_cache_write": cw,
        "cost_total": usage[4],
        "prompt_tokens": inp + read + write,
        "context_total": inp + out + read + write,
        "msg_ts": at - 30,
        "response_id": response,
        "response_model": model,
        "run": run,
    }
