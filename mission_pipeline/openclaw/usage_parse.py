"""One transcript line in, one model call (or nothing) out: the validation boundary for usage.

Usage lives only on `type:"message"` lines whose `message.role` is `assistant`. Synthetic lines
(`provider == "openclaw"`: delivery-mirror, gateway-injected, acp-runtime) and lines with all-zero
usage (a provider error) are not calls. Counts must be non-negative integers; anything else makes the
line a `BadLine`, which the caller reports and skips.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Count = Annotated[int, Field(strict=True, ge=0)]
Money = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
Text = Annotated[str, Field(strict=True)]

# A quick byte test before JSON parsing: a line without this cannot be an assistant message.
_ASSISTANT = b'"assistant"'


class BadLine(Exception):
    """A line that looks like a model call but cannot be read as one."""


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Cost(_Lenient):
    total: Money | None = None


class _Usage(_Lenient):
    input: Count = 0
    output: Count = 0
    cacheRead: Count = 0
    cacheWrite: Count = 0
    cost: _Cost | None = None


class _AssistantMessage(_Lenient):
    provider: Text | None = None
    model: Text | None = None
    usage: _Usage | None = None
    stopReason: Text | None = None
    responseId: Text | None = None
    timestamp: Annotated[float, Field(strict=False, allow_inf_nan=False)] | None = None


@dataclass(frozen=True, slots=True)
class ParsedCall:
    """The billable facts of one assistant line."""

    event_id: str
    occurred_at: datetime
    provider: str | None
    model: str | None
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    recorded_cost_usd: float | None
    response_id: str | None
    stop_reason: str | None


def parse_usage_line(raw: bytes) -> ParsedCall | None:
    """The model call on this line, None when the line holds none, BadLine when it is broken."""
    if _ASSISTANT not in raw:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadLine(f"not UTF-8 (byte {exc.start})") from None
    try:
        line = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadLine(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(line, dict) or line.get("type") != "message":
        return None
    message = line.get("message")
    if not isinstance(message, dict) or message.get("role") != "assistant":
        return None
    try:
        parsed = _AssistantMessage.model_validate(message)
    except ValidationError as exc:
        raise BadLine("assistant message: " + _describe(exc)) from None
    usage = parsed.usage
    if parsed.provider == "openclaw" or usage is None:
        return None
    counts = (usage.input, usage.output, usage.cacheRead, usage.cacheWrite)
    if not any(counts):
        return None
    occurred_at = _line_time(line.get("timestamp")) or _epoch_ms(parsed.timestamp)
    if occurred_at is None:
        raise BadLine("assistant message has no usable timestamp")
    return ParsedCall(
        event_id=parsed.responseId or _fallback_id(parsed, counts),
        occurred_at=occurred_at,
        provider=parsed.provider,
        model=parsed.model,
        input_tokens=usage.input,
        output_tokens=usage.output,
        cache_read_tokens=usage.cacheRead,
        cache_write_tokens=usage.cacheWrite,
        recorded_cost_usd=usage.cost.total if usage.cost else None,
        response_id=parsed.responseId,
        stop_reason=parsed.stopReason,
    )


def _fallback_id(message: _AssistantMessage, counts: tuple[int, int, int, int]) -> str:
    """A stable id for calls without a responseId: the same in every copy of the line."""
    stamp: float | int | None = message.timestamp
    if stamp is not None and float(stamp).is_integer():
        stamp = int(stamp)
    key = json.dumps([stamp, message.provider, message.model, *counts], separators=(",", ":"))
    return "oc-sha256:" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _line_time(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _epoch_ms(float(value))
    return None


def _epoch_ms(value: float | None) -> datetime | None:
    # Years 2000..2200: a number outside that range is not an epoch-ms time.
    if value is None or not math.isfinite(value) or not 946_684_800_000 <= value < 7_258_118_400_000:
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"])
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
