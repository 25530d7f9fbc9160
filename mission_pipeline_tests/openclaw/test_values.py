"""The plain values every OpenClaw reader shares: times, numbers, texts, agent ids in session keys."""

from datetime import UTC, datetime

import pytest

from mission_pipeline.openclaw.values import (
    MAX_EPOCH_NS,
    agent_of_session_key,
    epoch_ms_to_utc,
    epoch_ns_to_utc,
    is_number,
    nonempty_str,
    split_agent_session_key,
)


@pytest.mark.parametrize("value", [True, None, "1795754000000", float("nan"), float("inf"), 10**400, -1])
def test_what_is_not_an_epoch_ms_time(value: object) -> None:
    assert epoch_ms_to_utc(value) is None
    assert epoch_ms_to_utc(value, plausible=True) is None


def test_epoch_ms_ranges() -> None:
    assert epoch_ms_to_utc(1795754000500) == datetime(2026, 11, 27, 4, 33, 20, 500000, tzinfo=UTC)
    assert epoch_ms_to_utc(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert epoch_ms_to_utc(0, plausible=True) is None  # not a time a call was made
    assert epoch_ms_to_utc(9_000_000_000_000 - 1) is not None  # cron: a next run in 2255 is real
    assert epoch_ms_to_utc(9_000_000_000_000 - 1, plausible=True) is None


def test_numbers_and_texts() -> None:
    assert is_number(10**400) and is_number(1.5) and is_number(0)
    assert not any(is_number(v) for v in (True, float("nan"), "1", None))
    assert nonempty_str("x") == "x"
    assert nonempty_str("") is None and nonempty_str(5) is None


def test_file_times_to_the_microsecond() -> None:
    assert epoch_ns_to_utc(1_795_754_000_500_000_999) == datetime(2026, 11, 27, 4, 33, 20, 500000, tzinfo=UTC)
    assert epoch_ns_to_utc(MAX_EPOCH_NS + 1) is None and epoch_ns_to_utc(None) is None


@pytest.mark.parametrize(
    ("key", "agent", "rest"),
    [
        ("agent:main:cron:job-1:run:abc", "main", "cron:job-1:run:abc"),
        ("Agent: Max :telegram:direct:42", "max", "telegram:direct:42"),
        ("agent:main", None, None),
        ("agent:main:", None, None),
        ("agent::cron:x", None, None),
        ("global", None, None),
        (None, None, None),
    ],
)
def test_session_keys_split_as_openclaw_splits_them(
    key: str | None, agent: str | None, rest: str | None
) -> None:
    assert agent_of_session_key(key) == agent
    assert split_agent_session_key(key) == ((agent, rest) if agent else None)
