"""JSON as OpenClaw (JavaScript's JSON.stringify) writes it, so generated lines match real ones exactly."""

from __future__ import annotations

from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

_string = encode_basestring  # json.dumps(value, ensure_ascii=False), without its overhead


def dumps(value: Any) -> str:
    """JSON as OpenClaw (JavaScript's JSON.stringify) writes it: compact, non-ASCII unescaped, and
    numbers as JavaScript prints them (0.0000336, not Python's 3.36e-05)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_string(k)}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return render_value(value)


def js_number(value: float) -> str:
    """A number as JavaScript's `String(n)` writes it (positional between 1e-7 and 1e21)."""
    text = repr(value)
    if "e" in text:
        if 1e-7 <= abs(value) < 1e21:
            return format(Decimal(text), "f")
        return text
    if text.endswith(".0"):
        return text[:-2]
    return text


def render_value(value: Any) -> str:
    """One JSON leaf (string, number, null, boolean) as JSON.stringify writes it."""
    # Exact type checks, cheapest first: this runs for every leaf of a million lines.
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is int:
        return str(value)
    if kind is float:
        return js_number(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return _string(str(value))
