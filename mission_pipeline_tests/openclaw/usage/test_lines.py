"""Line splitting, zstd streams and single-line parsing, on real transcript lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from mission_pipeline.openclaw.transcripts import jsonl
from mission_pipeline.openclaw.transcripts.files import classify_session_file
from mission_pipeline.openclaw.usage.parse import BadLine, parse_usage_line
from mission_pipeline_tests.conftest import sample_state

SESSIONS = sample_state("v2026.5.28") / "agents" / "dash" / "sessions"
ERROR_SESSION = SESSIONS / "2bc1bba7-21f5-4634-9b65-3fbf0705ec12.jsonl"


def real_lines() -> list[bytes]:
    return ERROR_SESSION.read_bytes().splitlines()


def assistant_line() -> dict[str, Any]:
    line: dict[str, Any] = next(
        json.loads(raw) for raw in real_lines() if b'"responseId"' in raw and b'"role":"assistant"' in raw
    )
    return line


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=12), st.integers(min_value=1, max_value=7))
def test_split_lines_matches_splitlines(pieces: list[bytes], chunk: int) -> None:
    data = b"".join(pieces)
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    got = list(jsonl.split_lines(chunks))
    expected = [(n, line.rstrip(b"\r")) for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]
    assert got == expected


def test_overlong_lines_are_flagged_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 10)
    data = b"short\n" + b"x" * 25 + b"\nok\n" + b"y" * 30
    chunks = [data[i : i + 4] for i in range(0, len(data), 4)]
    assert list(jsonl.split_lines(chunks)) == [(1, b"short"), (2, None), (3, b"ok"), (4, None)]


def test_concatenated_zstd_frames_are_all_read(tmp_path: Path) -> None:
    lines = real_lines()
    half = len(lines) // 2
    compress = zstandard.ZstdCompressor().compress
    path = tmp_path / "x.jsonl.deleted.2026-11-27T04-40-00.000Z.ab.zst"
    path.write_bytes(compress(b"\n".join(lines[:half]) + b"\n") + compress(b"\n".join(lines[half:])))
    assert [data for _, data in jsonl.iter_file_lines(path, compressed=True)] == lines


def test_real_lines_parse_to_calls_or_nothing() -> None:
    calls = [parse_usage_line(raw) for raw in real_lines()]
    found = [c for c in calls if c is not None]
    # The dash main session: 4 calls and one provider error (zero usage: not a call).
    assert len(found) == 4
    assert sum(b'"role":"assistant"' in raw for raw in real_lines()) == 5
    assert all(c.event_id == c.response_id for c in found)
    error = next(json.loads(raw) for raw in real_lines() if b'"stopReason":"error"' in raw)
    assert parse_usage_line(json.dumps(error).encode()) is None


def test_synthetic_openclaw_lines_are_not_calls() -> None:
    line = assistant_line()
    message = dict(line["message"])
    for model in ("delivery-mirror", "gateway-injected", "acp-runtime"):
        mirrored = {**line, "message": {**message, "provider": "openclaw", "model": model}}
        assert parse_usage_line(json.dumps(mirrored).encode()) is None


def test_call_without_response_id_gets_the_same_id_in_every_copy() -> None:
    line = assistant_line()
    message = {k: v for k, v in dict(line["message"]).items() if k != "responseId"}
    plain = {**line, "message": message}
    reordered = {
        "message": dict(reversed(list(message.items()))),
        **{k: v for k, v in line.items() if k != "message"},
    }
    first = parse_usage_line(json.dumps(plain).encode())
    second = parse_usage_line(json.dumps(reordered, indent=1).replace("\n", " ").encode())
    assert first is not None
    assert second is not None
    assert first.event_id == second.event_id
    assert first.event_id.startswith("oc-sha256:")
    other = {**plain, "message": {**message, "usage": {**message["usage"], "output": 1}}}
    third = parse_usage_line(json.dumps(other).encode())
    assert third is not None
    assert third.event_id != first.event_id


def test_call_time_falls_back_to_the_message_timestamp() -> None:
    line = assistant_line()
    without = {k: v for k, v in line.items() if k != "timestamp"}
    call = parse_usage_line(json.dumps(without).encode())
    assert call is not None
    assert int(call.occurred_at.timestamp() * 1000) == line["message"]["timestamp"]
    nothing = {**without, "message": {k: v for k, v in dict(line["message"]).items() if k != "timestamp"}}
    with pytest.raises(BadLine, match="timestamp"):
        parse_usage_line(json.dumps(nothing).encode())


def test_extra_fields_are_ignored_wrong_types_are_not() -> None:
    line = assistant_line()
    message = dict(line["message"])
    extra = {
        **line,
        "future": 1,
        "message": {**message, "reasoningTokens": 7, "usage": {**message["usage"], "reasoning": 3}},
    }
    assert parse_usage_line(json.dumps(extra).encode()) is not None
    for broken in (
        {"model": 5},
        {"usage": {**message["usage"], "cacheWrite": True}},
        {"usage": {**message["usage"], "cost": {"total": "0.1"}}},
        {"usage": {**message["usage"], "cacheWrite1h": -1}},
    ):
        with pytest.raises(BadLine):
            parse_usage_line(json.dumps({**line, "message": {**message, **broken}}).encode())


def test_one_hour_cache_writes_and_a_provider_billed_total_are_kept() -> None:
    from mission_pipeline.openclaw.usage.parse_checked import parse_checked

    line = assistant_line()
    message = dict(line["message"])
    usage = {**message["usage"], "cacheWrite": 900, "cacheWrite1h": 600}
    usage["cost"] = {**usage.get("cost", {}), "total": 0.25, "totalOrigin": "provider-billed"}
    raw = json.dumps({**line, "message": {**message, "usage": usage}}).encode()
    for parse in (parse_usage_line, parse_checked):  # the fast path and the thorough one agree
        call = parse(raw)
        assert call is not None
        assert (call.cache_write_tokens, call.cache_write_1h_tokens) == (900, 600)
        assert (call.recorded_cost_usd, call.recorded_cost_origin) == (0.25, "provider-billed")


@pytest.mark.parametrize(
    ("one_hour", "origin", "expected"),
    [
        (
            5_000,
            "provider-billed",
            (900, "provider-billed"),
        ),  # kept within the cache writes, as OpenClaw does
        (0, "estimated", (0, None)),  # an origin other than provider-billed means nothing
        (10, 7, (10, None)),  # an odd origin never loses the call
    ],
)
def test_the_one_hour_part_is_bounded_and_only_provider_billed_counts(
    one_hour: int, origin: object, expected: tuple[int, str | None]
) -> None:
    line = assistant_line()
    message = dict(line["message"])
    usage = {**message["usage"], "cacheWrite": 900, "cacheWrite1h": one_hour}
    usage["cost"] = {"total": 0.25, "totalOrigin": origin}
    call = parse_usage_line(json.dumps({**line, "message": {**message, "usage": usage}}).encode())
    assert call is not None
    assert (call.cache_write_1h_tokens, call.recorded_cost_origin) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a1b2.jsonl", ("jsonl", "a1b2", False)),
        ("a1b2-topic-42.jsonl", ("jsonl", "a1b2", False)),
        (
            "2026-06-09T08-15-02-114Z_3f9d2c1e-6a7b-4c1d-9e2f-0a1b2c3d4e5f.jsonl",
            ("jsonl", "3f9d2c1e-6a7b-4c1d-9e2f-0a1b2c3d4e5f", True),
        ),
        ("a1b2.jsonl.reset.2026-06-09T08-15-02.114Z", ("archive", "a1b2", False)),
        ("a1b2.jsonl.deleted.2026-06-09T08-15-02Z", ("archive", "a1b2", False)),
        (
            "a1b2.jsonl.deleted.2026-11-27T04-35-38.697Z.7704bdd25f1f4c9fb33c52e4e23ce1a6.zst",
            ("archive", "a1b2", False),
        ),
        ("a1b2.trajectory.jsonl", None),
        ("a1b2.trajectory-path.json", None),
        ("a1b2.checkpoint.9f8e.jsonl", None),
        ("a1b2.jsonl.bak.2026-06-09", None),
        ("a1b2.jsonl.lock", None),
        ("sessions.json", None),
        ("sessions.json.bak.1", None),
        (".usage-cost-cache.json", None),
        ("a1b2.jsonl.migrated", None),
    ],
)
def test_session_file_names(name: str, expected: tuple[str, str, bool] | None) -> None:
    assert classify_session_file(name) == expected
