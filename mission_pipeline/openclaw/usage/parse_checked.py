"""The thorough line check: plain JSON and pydantic, field by field, saying exactly what is wrong.

`parse` decodes well-formed lines much faster with msgspec and hands this module every line it
does not take, so a line's verdict and the reason a bad one is reported always come from here.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from mission_pipeline.openclaw.text import check_postgres_text
from mission_pipeline.openclaw.usage import schema
from mission_pipeline.openclaw.usage.call import BadLine, ParsedCall, make_call
from mission_pipeline.openclaw.usage.schema import MAX_COST_USD, MAX_TEXT, MAX_TOKENS

Count = Annotated[int, Field(strict=True, ge=0, le=MAX_TOKENS)]
Money = Annotated[float, Field(strict=True, ge=0, le=MAX_COST_USD, allow_inf_nan=False)]
Text = Annotated[str, Field(strict=True, max_length=MAX_TEXT), AfterValidator(check_postgres_text)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Cost(_Lenient):
    total: Money | None = None
    # Only "provider-billed" means anything; any other value is ignored, never a reason to lose a call.
    totalOrigin: Any = None


class _Usage(_Lenient):
    input: Count = 0
    output: Count = 0
    cacheRead: Count = 0
    cacheWrite: Count = 0
    cacheWrite1h: Count = 0
    cost: _Cost | None = None


class _AssistantMessage(_Lenient):
    provider: Text | None = None
    model: Text | None = None
    usage: _Usage | None = None
    stopReason: Text | None = None
    responseId: Text | None = None
    timestamp: Annotated[float, Field(strict=False, allow_inf_nan=False)] | None = None


for _model, _part, _fields in (
    (_AssistantMessage, "message", schema.MESSAGE_FIELDS),
    (_Usage, "usage", schema.USAGE_FIELDS),
    (_Cost, "cost", schema.COST_FIELDS),
):
    schema.require_fields("parse_checked", _part, _model.model_fields, _fields)


def parse_checked(raw: bytes) -> ParsedCall | None:
    """The model call on this line, None when the line holds none, BadLine (with why) when it is broken."""
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
    cost = usage.cost.total if usage.cost else None
    return make_call(
        line.get("timestamp"),
        parsed.timestamp,
        parsed.provider,
        parsed.model,
        counts,
        usage.cacheWrite1h,
        cost,
        usage.cost.totalOrigin if usage.cost else None,
        parsed.responseId,
        parsed.stopReason,
    )


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"])
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
