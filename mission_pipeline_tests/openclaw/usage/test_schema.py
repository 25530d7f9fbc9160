"""The fast and the thorough line parser read the one schema: the same fields, the same limits."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mission_pipeline.openclaw.usage import parse, schema
from mission_pipeline.openclaw.usage.call import BadLine, ParsedCall
from mission_pipeline.openclaw.usage.parse_checked import parse_checked
from mission_pipeline_tests.openclaw.usage.test_lines import assistant_line


def _line(usage: dict[str, Any] | None = None, message: dict[str, Any] | None = None) -> bytes:
    line = assistant_line()
    merged = {**line["message"], **(message or {})}
    if usage is not None:
        merged["usage"] = {**merged["usage"], **usage}
    return json.dumps({**line, "message": merged}).encode()


def _fast_only(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Lines the fast parser hands to the thorough one, recorded (it is still called)."""
    handed: list[bytes] = []

    def recording(raw: bytes) -> ParsedCall | None:
        handed.append(raw)
        return parse_checked(raw)

    monkeypatch.setattr(parse, "parse_checked", recording)
    return handed


# (line at the limit, line just past it), for every field the schema bounds.
BOUNDS = [
    *[(f, _line({f: schema.MAX_TOKENS}), _line({f: schema.MAX_TOKENS + 1})) for f in schema.COUNT_FIELDS],
    (
        "total",
        _line({"cost": {"total": schema.MAX_COST_USD}}),
        _line({"cost": {"total": schema.MAX_COST_USD * 1.001}}),
    ),
    *[
        (f, _line(message={f: "é" * schema.MAX_TEXT}), _line(message={f: "é" * (schema.MAX_TEXT + 1)}))
        for f in schema.MESSAGE_TEXT_FIELDS
    ],
]


@pytest.mark.parametrize(("field", "at_limit", "past_limit"), BOUNDS, ids=[b[0] for b in BOUNDS])
def test_both_parsers_take_the_limit_and_refuse_past_it(
    monkeypatch: pytest.MonkeyPatch, field: str, at_limit: bytes, past_limit: bytes
) -> None:
    handed = _fast_only(monkeypatch)
    fast = parse.parse_usage_line(at_limit)
    assert fast is not None and handed == [], f"{field}: the fast parser refused a line at the limit"
    assert fast == parse_checked(at_limit)
    with pytest.raises(BadLine):
        parse.parse_usage_line(past_limit)
    assert handed == [past_limit], f"{field}: the fast parser took a line past the limit"
    with pytest.raises(BadLine):
        parse_checked(past_limit)


def test_a_parser_declaring_other_fields_than_the_schema_does_not_load() -> None:
    schema.require_fields("p", "usage", schema.USAGE_FIELDS, schema.USAGE_FIELDS)
    with pytest.raises(ImportError, match="cacheWrite1h"):
        schema.require_fields(
            "p", "usage", [f for f in schema.USAGE_FIELDS if f != "cacheWrite1h"], schema.USAGE_FIELDS
        )
