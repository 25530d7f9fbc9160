"""Every time form gets one plausibility rule; a nonsense time falls back or is reported, never lost."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mission_pipeline.openclaw.usage.parse import BadLine, parse_usage_line
from mission_pipeline_tests.openclaw.usage.helpers import agent_db, read_all, writable, write_connection
from mission_pipeline_tests.openclaw.usage.test_lines import assistant_line

DAY = datetime(2026, 11, 27, tzinfo=UTC)
NONSENSE = ["1970-01-01T00:00:00.000Z", "1999-12-31T23:59:59Z", "3000-01-01T00:00:00Z", 0, 10**15]


def _line(**changes: Any) -> dict[str, Any]:
    line = assistant_line()
    for key, value in changes.items():
        if key.startswith("message_"):
            line["message"][key.removeprefix("message_")] = value
        else:
            line[key] = value
    return line


def _transcript(state: Path) -> Path:
    """max's first live transcript (not a trajectory sidecar)."""
    sessions = sorted((state / "agents" / "max" / "sessions").glob("*.jsonl"))
    return next(p for p in sessions if ".trajectory" not in p.name)


def _raw(line: dict[str, Any]) -> bytes:
    return json.dumps(line).encode()


@pytest.mark.parametrize("nonsense", NONSENSE)
def test_a_nonsense_line_time_falls_back_to_the_message_time(nonsense: object) -> None:
    line = _line(timestamp=nonsense)
    call = parse_usage_line(_raw(line))
    assert call is not None
    assert call.occurred_at == datetime.fromtimestamp(line["message"]["timestamp"] / 1000, tz=UTC)


@pytest.mark.parametrize("nonsense", NONSENSE)
@pytest.mark.parametrize("message_time", [0, -1, 10**15, None])
def test_with_no_plausible_time_at_all_the_line_is_reported(nonsense: object, message_time: object) -> None:
    with pytest.raises(BadLine, match="no usable timestamp"):
        parse_usage_line(_raw(_line(timestamp=nonsense, message_timestamp=message_time)))


def test_calls_without_response_id_are_told_apart_by_their_time() -> None:
    """Equal counts, no responseId, no message.timestamp: the line's own time keeps them apart."""
    first = _line(timestamp="2026-11-27T04:00:00.000Z", message_responseId=None, message_timestamp=None)
    second = _line(timestamp="2026-11-27T05:00:00.000Z", message_responseId=None, message_timestamp=None)
    a, b = parse_usage_line(_raw(first)), parse_usage_line(_raw(second))
    assert a is not None and b is not None
    assert a.event_id != b.event_id
    # The same line read twice (a leftover JSONL next to SQLite) is still one call.
    again = parse_usage_line(_raw(first))
    assert again is not None and again.event_id == a.event_id
    # With message.timestamp present the id is what it always was (ledgers written before keep theirs).
    kept = _line(message_responseId=None)
    with_line_time = _line(message_responseId=None, timestamp="2026-11-27T09:00:00.000Z")
    assert parse_usage_line(_raw(kept)) is not None
    assert parse_usage_line(_raw(kept)).event_id == parse_usage_line(_raw(with_line_time)).event_id  # type: ignore[union-attr]


def test_calls_with_no_time_at_all_are_reported_not_merged(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    transcript = _transcript(state)
    timeless = _line(message_responseId=None, message_timestamp=None)
    del timeless["timestamp"]
    with transcript.open("a") as out:
        out.write(json.dumps(timeless) + "\n" + json.dumps(timeless) + "\n")
    before, _ = read_all(copy_sample("v2026.9.6"))  # unrelated copy: the sample's own total
    events, problems = read_all(state)
    assert len(events) == 54 == len(before)
    assert [p.message for p in problems][-2:] == ["assistant message has no usable timestamp"] * 2


def test_a_jsonl_call_with_an_epoch_line_time_counts_on_its_day(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    transcript = _transcript(state)
    lines = transcript.read_text().splitlines()
    index = next(i for i, raw in enumerate(lines) if '"responseId"' in raw and '"assistant"' in raw)
    line = json.loads(lines[index])
    line["timestamp"] = "1970-01-01T00:00:00.000Z"
    lines[index] = json.dumps(line)
    transcript.write_text("\n".join(lines) + "\n")
    events, problems = read_all(state, start=DAY, end=DAY + timedelta(days=1))
    assert not problems
    assert line["message"]["responseId"] in {e.event_id for e in events}
    assert len(events) == 54


def test_a_sqlite_row_with_an_epoch_time_is_read_in_its_calls_window(
    copy_sample: Callable[[str], Path],
) -> None:
    """OpenClaw keeps the line's own time as created_at, so a nonsense time is a nonsense created_at."""
    state = writable(copy_sample("v2026.9.6"))
    conn = write_connection(agent_db(state, "max"))
    try:
        seq, session_id, text = conn.execute(
            "SELECT seq, session_id, event_json FROM transcript_events"
            " WHERE event_json LIKE '%\"responseId\"%' ORDER BY seq LIMIT 1"
        ).fetchone()
        line = json.loads(text)
        line["timestamp"] = "1970-01-01T00:00:00.000Z"
        conn.execute(
            "UPDATE transcript_events SET event_json = ?, created_at = 0 WHERE session_id = ? AND seq = ?",
            (json.dumps(line), session_id, seq),
        )
    finally:
        conn.close()
    events, problems = read_all(state, start=DAY, end=DAY + timedelta(days=1))
    assert not problems
    assert line["message"]["responseId"] in {e.event_id for e in events}
    assert len(events) == 54


def test_a_header_from_the_far_future_does_not_hide_a_file(copy_sample: Callable[[str], Path]) -> None:
    state = writable(copy_sample("v2026.5.28"))
    transcript = _transcript(state)
    lines = transcript.read_text().splitlines()
    header = json.loads(lines[0])
    assert header["type"] == "session"
    header["timestamp"] = "3000-01-01T00:00:00.000Z"
    lines[0] = json.dumps(header)
    transcript.write_text("\n".join(lines) + "\n")
    whole, _ = read_all(state)
    window, _ = read_all(state, start=DAY, end=DAY + timedelta(days=1))
    assert len(window) == len(whole) == 54
