"""Which transcript files of a sessions folder a read from a given time looks at."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mission_pipeline.openclaw.transcripts.files import (
    archive_time,
    list_files_written_since,
    list_session_files,
    time_text,
)
from mission_pipeline_tests.openclaw.usage.helpers import read_all, writable


def _ms(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a1b2.jsonl.reset.2026-06-09T08-15-02.114Z", "2026-06-09T08-15-02"),
        ("a1b2.jsonl.deleted.2026-06-09T08-15-02Z", "2026-06-09T08-15-02"),
        (
            "a1b2.jsonl.deleted.2026-11-27T04-35-38.697Z.7704bdd25f1f4c9fb33c52e4e23ce1a6.zst",
            "2026-11-27T04-35-38",
        ),
        ("a1b2-topic-7.jsonl.reset.2026-01-31T23-59-59.5Z", "2026-01-31T23-59-59"),
        ("a1b2.jsonl", None),
        ("a1b2.jsonl.reset.yesterday", None),
        ("a1b2.jsonl.reset.2026-13-09T08-15-02Z", None),  # no such month: the file's time decides
        ("a1b2.jsonl.reset.2026-06-09T24-15-02Z", None),  # no such hour
        ("a1b2.jsonl.reset.2026-06-09T08-15-02", None),  # no Z: not known to be UTC
        ("2026-06-09T08-15-02Z_a1b2.jsonl", None),  # a fork's name holds a time, not an archive's
    ],
)
def test_archive_time_from_the_name(name: str, expected: str | None) -> None:
    assert archive_time(name) == expected


def test_time_text_is_the_second_of_a_moment_in_the_names_form() -> None:
    assert time_text(_ms(2026, 6, 9) + 8 * 3_600_000 + 15 * 60_000 + 2_999) == "2026-06-09T08-15-02"


def _touch(folder: Path, name: str, when_ms: int) -> None:
    path = folder / name
    path.write_text('{"type":"session"}\n')
    os.utime(path, ns=(when_ms * 1_000_000, when_ms * 1_000_000))


def test_files_written_before_the_floor_are_set_apart_by_mtime_or_archive_name(tmp_path: Path) -> None:
    floor = _ms(2026, 6, 9)
    before, after = floor - 1, floor + 3_600_000
    _touch(tmp_path, "live-new.jsonl", after)
    _touch(tmp_path, "live-old.jsonl", before)
    # A restored backup carries a new mtime, but its name says when OpenClaw archived it: no stat.
    _touch(tmp_path, "a.jsonl.reset.2026-06-08T23-59-59.999Z", after)
    _touch(tmp_path, "b.jsonl.deleted.2026-06-09T00-00-00.000Z", after)  # archived at the floor
    _touch(tmp_path, "c.jsonl.deleted.2026-06-10T00-00-00Z", before)  # archived after, not written since
    _touch(tmp_path, "d.jsonl.reset.not-a-time", after)  # no time in the name: its mtime decides
    _touch(tmp_path, "x.trajectory.jsonl", after)  # not a transcript: in neither list
    found, older = list_files_written_since(tmp_path, floor)
    assert [f.name for f in found] == [
        "b.jsonl.deleted.2026-06-09T00-00-00.000Z",
        "d.jsonl.reset.not-a-time",
        "live-new.jsonl",
    ]
    assert sorted(older) == [
        "a.jsonl.reset.2026-06-08T23-59-59.999Z",
        "c.jsonl.deleted.2026-06-10T00-00-00Z",
        "live-old.jsonl",
    ]
    # Without a floor, every transcript, in the same order.
    assert sorted(f.name for f in list_session_files(tmp_path)) == sorted([*(f.name for f in found), *older])


def test_a_file_name_that_is_not_utf8_is_reported_whether_or_not_the_window_sets_it_apart(
    copy_sample: Callable[[str], Path],
) -> None:
    state = writable(copy_sample("v2026.5.28"))
    sessions = state / "agents" / "main" / "sessions"
    live = sessions / "8fa1d44b-37c6-40d3-b397-35d03385820a.jsonl"
    odd = sessions / os.fsdecode(b"8fa1d44b-\xff.jsonl")
    live.rename(odd)
    written = _ms(2026, 11, 27) + 6 * 3_600_000
    os.utime(odd, ns=(written * 1_000_000, written * 1_000_000))
    for start in (None, datetime(2026, 11, 27, tzinfo=UTC), datetime(2026, 11, 29, tzinfo=UTC)):
        events, problems = read_all(state, agent_ids=["main"], start=start)
        assert [p.message for p in problems] == ["file name is not UTF-8, read as 8fa1d44b-\\xff.jsonl"]
        assert bool(events) == (start is None or start.day == 27)
