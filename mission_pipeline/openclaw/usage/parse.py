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

Speed: a year of history is millions of lines, so a well-formed line is decoded by msgspec straight
into the few fields that matter (about 20 times faster than `json.loads` and pydantic). msgspec only
takes lines that the thorough check in `parse_checked` would take the same way; any line it
does not take (anything odd or broken) goes to that check, which gives the verdict and the reason.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from mission_pipeline.openclaw.usage import schema
from mission_pipeline.openclaw.usage.call import BadLine, ParsedCall, make_call
from mission_pipeline.openclaw.usage.parse_checked import parse_checked
from mission_pipeline.openclaw.usage.schema import MAX_COST_USD, MAX_TEXT, MAX_TOKENS

__all__ = ["BadLine", "ParsedCall", "parse_usage_line"]

_Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_TOKENS)]
_Money = Annotated[float, msgspec.Meta(ge=0, le=MAX_COST_USD)]
_Text = Annotated[str, msgspec.Meta(max_length=MAX_TEXT)]
# JSON's escape for NUL: PostgreSQL text cannot hold it, so such a line takes the thorough check.
_NUL_ESCAPE = b"\\u0000"


class _Cost(msgspec.Struct):
    total: _Money | None = None
    totalOrigin: str | None = None


class _Usage(msgspec.Struct):
    input: _Count = 0
    output: _Count = 0
    cacheRead: _Count = 0
    cacheWrite: _Count = 0
    cacheWrite1h: _Count = 0
    cost: _Cost | None = None


class _Message(msgspec.Struct):
    role: str
    provider: _Text | None = None
    model: _Text | None = None
    usage: _Usage | None = None
    stopReason: _Text | None = None
    responseId: _Text | None = None
    timestamp: float | None = None


class _Line(msgspec.Struct):
    type: str
    timestamp: str | float | None = None
    message: _Message | None = None


_DECODER = msgspec.json.Decoder(_Line)
for _model, _part, _fields in (
    (_Message, "message", schema.MESSAGE_FIELDS),
    (_Usage, "usage", schema.USAGE_FIELDS),
    (_Cost, "cost", schema.COST_FIELDS),
):
    # `role` is the one field read before a line is known to be an assistant's (the schema's domain).
    declared = (f for f in _model.__struct_fields__ if f != "role")
    schema.require_fields("parse", _part, declared, _fields)


def parse_usage_line(raw: bytes) -> ParsedCall | None:
    """The model call on this line, None when the line holds none, BadLine when it is broken."""
    if not raw.isascii():
        try:
            raw.decode("utf-8")  # msgspec does not check the strings it skips
        except UnicodeDecodeError:
            return parse_checked(raw)
    if _NUL_ESCAPE in raw:
        return parse_checked(raw)
    try:
        line = _DECODER.decode(raw)
    except (msgspec.DecodeError, ValueError):
        return parse_checked(raw)
    if line.type != "message":
        return None
    message = line.message
    if message is None:
        return parse_checked(raw)  # says why a message line without a message is bad
    if message.role != "assistant" or message.provider == "openclaw":
        return None
    usage = message.usage
    if usage is None:
        return parse_checked(raw)
    counts = (usage.input, usage.output, usage.cacheRead, usage.cacheWrite)
    if not any(counts):
        return None
    return make_call(
        line.timestamp,
        message.timestamp,
        message.provider,
        message.model,
        counts,
        usage.cacheWrite1h,
        usage.cost.total if usage.cost else None,
        usage.cost.totalOrigin if usage.cost else None,
        message.responseId,
        message.stopReason,
    )
