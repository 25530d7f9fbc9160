"""One transcript line in, one model call (or nothing) out: the validation boundary for usage.

Usage lives only on `type:"message"` lines whose `message.role` is `assistant`. Synthetic lines
(`provider == "openclaw"`: delivery-mirror, gateway-injected, acp-runtime) and lines with all-zero
usage (a provider error) are not calls.

Every line (or `transcript_events` row) is checked, not only those naming an assistant: a line cut
short by a crash may have lost the word, and then only its broken JSON says a call may be missing.
A line is a `BadLine`, which the caller reports and skips, when it is not UTF-8 JSON, not an object
with a string `type`, a `message` line without an object `message` and a string `role`, or an
assistant message without `usage`, with a field of the wrong type, a count outside 0..MAX_TOKENS,
a cost outside 0..MAX_COST_USD, a text field PostgreSQL cannot store (NUL, lone surrogate, longer
than MAX_TEXT), or no usable time.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

# One call of any model reads at most a few million tokens; far beyond that is a corrupt count, and
# left in it would overflow the bigint sums (and numeric(20,10) costs) of the tables downstream.
MAX_TOKENS = 1_000_000_000
MAX_COST_USD = 1_000_000.0
# Ids, providers, models and stop reasons are short; event_id is a btree key (at most ~2.7 kB a row).
MAX_TEXT = 256


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("holds a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("holds a lone surrogate") from None
    return value


Count = Annotated[int, Field(strict=True, ge=0, le=MAX_TOKENS)]
Money = Annotated[float, Field(strict=True, ge=0, le=MAX_COST_USD, allow_inf_nan=False)]
Text = Annotated[str, Field(strict=True, max_length=MAX_TEXT), AfterValidator(_storable)]


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
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadLine(f"not UTF-8 (byte {exc.start})") from None
    try:
        line = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadLine(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(line, dict) or not isinstance(line.get("type"), str):
        raise BadLine("not a transcript line (no string `type`)")
    if line["type"] != "message":
        return None
    message = line.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("role"), str):
        raise BadLine("message line without a `message` object and string `role`")
    if message["role"] != "assistant":
        return None
    try:
        parsed = _AssistantMessage.model_validate(message)
    except ValidationError as exc:
        raise BadLine("assistant message: " + _describe(exc)) from None
    usage = parsed.usage
    if parsed.provider == "openclaw":
        return None
    if usage is None:
        raise BadLine("assistant message has no usage")
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
