"""Schedule text for every known kind, and no crash on any JSON a newer OpenClaw might store."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mission_pipeline.openclaw.cron.schedule import humanize_ms, job_record, schedule_text
from mission_pipeline.openclaw.problems import ProblemLog


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (1_800_000, "30m"),
        (7_200_000, "2h"),
        (604_800_000, "7d"),
        (90_000, "90s"),
        (5_400_000, "1h30m"),
        (500, "500ms"),
        (1_500, "1.5s"),
        (129_600_000, "1d12h"),
        (150_000, "2m30s"),
        (7_200_000.0, "2h"),
    ],
)
def test_humanize_ms(ms: float, text: str) -> None:
    assert humanize_ms(ms) == text


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (
            {"kind": "cron", "expr": "30 7 * * 1-5", "tz": "Europe/Berlin"},
            "cron 30 7 * * 1-5 (Europe/Berlin)",
        ),
        ({"kind": "cron", "expr": "0 * * * *", "staggerMs": 300000}, "cron 0 * * * *"),
        ({"kind": "every", "everyMs": 7200000, "anchorMs": 1}, "every 2h"),
        ({"kind": "at", "at": "2026-12-27T23:00:00.000Z"}, "at 2026-12-27 23:00 UTC"),
        ({"kind": "at", "at": "2026-12-27T18:00:05-05:00"}, "at 2026-12-27 23:00:05 UTC"),
        ({"kind": "at", "atMs": 1798412400000}, "at 2026-12-27 23:00 UTC"),  # legacy form
        ({"kind": "at", "at": "next tuesday"}, "at next tuesday"),
        ({"kind": "at", "at": "0001-01-01T00:00:00+01:00"}, "at 0001-01-01T00:00:00+01:00"),
        ({"kind": "on-exit", "command": "make test", "cwd": "/srv"}, "on-exit (command=make test, cwd=/srv)"),
        (
            {"kind": "stream", "command": ["tail", "-F", "x"], "match": {"re": "x"}},
            "stream (command=tail -F x)",
        ),
        ({"kind": "every"}, "every"),
        ({}, "unknown schedule"),
        ({"kind": "\r"}, "unknown schedule"),  # found by the fuzz below: it clipped to ""
        ({"kind": " on-exit\n", "cwd": "/srv"}, "on-exit (cwd=/srv)"),
        ({"kind": "cron", "expr": "0 7 * * *" + " " * 200 + "x"}, "cron 0 7 * * * x"),
        (None, "unknown schedule"),
        ("0 7 * * *", "schedule 0 7 * * *"),
    ],
)
def test_schedule_text(schedule: Any, text: str) -> None:
    assert schedule_text(schedule) == text


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["cron", "every", "at", "stream", "on-exit", "", "?"]) | st.text(max_size=10),
    fields=st.dictionaries(
        st.sampled_from(["expr", "tz", "everyMs", "at", "atMs", "command"]), JSON, max_size=4
    ),
)
def test_any_schedule_gives_text(kind: str, fields: dict[str, Any]) -> None:
    text = schedule_text({"kind": kind, **fields})
    assert isinstance(text, str)
    assert text
    assert len(text) <= 160


@settings(max_examples=100, deadline=None)
@given(job=st.dictionaries(st.sampled_from(["id", "name", "enabled", "schedule", "payload", "state"]), JSON))
def test_any_job_json_loads_or_is_a_problem(job: dict[str, Any]) -> None:
    problems = ProblemLog()
    record = job_record(job, job.get("state"), "jobs.json", "0", problems, None)
    if record is None:
        assert problems  # an unusable job is always reported
    else:
        assert record.job_id == job["id"]
        assert record.job_json is job
