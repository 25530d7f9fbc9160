"""The part of an assistant transcript line that a usage event is made of, declared once.

Two parsers read it (`parse`, fast, with msgspec; `parse_checked`, thorough, with pydantic) and each
states it in its own library's terms. Both take their field names and limits from here and check at
import that they declare exactly these fields, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterable

# One call of any model reads at most a few million tokens; far beyond that is a corrupt count, and
# left in it would overflow the bigint sums (and numeric(20,10) costs) of the tables downstream.
MAX_TOKENS = 1_000_000_000
MAX_COST_USD = 1_000_000.0
# Ids, providers, models and stop reasons are short; event_id is a btree key (at most ~2.7 kB a row).
MAX_TEXT = 256

# `message.usage.*`: token counts, each 0..MAX_TOKENS, 0 when absent.
COUNT_FIELDS = ("input", "output", "cacheRead", "cacheWrite", "cacheWrite1h")
# `message.usage.cost.*`: `total` is 0..MAX_COST_USD; `totalOrigin` only matters as "provider-billed".
COST_FIELDS = ("total", "totalOrigin")
USAGE_FIELDS = (*COUNT_FIELDS, "cost")
# `message.*` of an assistant line: the texts are at most MAX_TEXT characters PostgreSQL can store.
MESSAGE_TEXT_FIELDS = ("provider", "model", "stopReason", "responseId")
MESSAGE_FIELDS = (*MESSAGE_TEXT_FIELDS, "usage", "timestamp")


def require_fields(parser: str, part: str, declared: Iterable[str], expected: tuple[str, ...]) -> None:
    """ImportError unless a parser's model of `part` declares exactly the `expected` fields."""
    if set(declared) != set(expected):
        raise ImportError(f"{parser}: {part} declares {sorted(declared)}, the schema {sorted(expected)}")
