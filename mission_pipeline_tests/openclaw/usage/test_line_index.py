"""The line index only ever skips lines that hold no call of the window: reads with it equal reads
without it, window after window, as transcripts grow, are rewritten, or hold a bad line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.transcripts import line_index
from mission_pipeline.openclaw.transcripts.line_index import LineIndex
from mission_pipeline.openclaw.usage.events import UsageEvent
from mission_pipeline.openclaw.usage.read import read_usage_events
from mission_pipeline_tests.openclaw.usage.helpers import assistant_line_numbers, read_all, writable

MAIN = "agents/main/sessions/8fa1d44b-37c6-40d3-b397-35d03385820a.jsonl"  # 2026.5.28, 6 calls
FIRST = datetime(2026, 11, 27, 4, 32, tzinfo=UTC)  # the samples' calls span 04:32 to 04:36


@pytest.fixture(autouse=True)
def _small_checkpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    # The samples' transcripts are a few KiB: checkpoints every 300 bytes put many inside each.
    monkeypatch.setattr(line_index, "CHECKPOINT_BYTES", 300)


def _indexed(
    state: Path, index_file: Path, start: datetime, end: datetime
) -> tuple[list[UsageEvent], list[str]]:
    index = LineIndex.load(index_file)
    problems = ProblemLog(base=state)
    events = list(read_usage_events(state, start=start, end=end, problems=problems, line_index=index))
    assert index.save() is None
    return events, [str(p) for p in problems]


def _plain(state: Path, start: datetime, end: datetime) -> tuple[list[UsageEvent], list[str]]:
    events, problems = read_all(state, start=start, end=end)
    return events, [str(p) for p in problems]


def _windows(seconds: int = 20) -> list[tuple[datetime, datetime]]:
    return [
        (FIRST + timedelta(seconds=s), FIRST + timedelta(seconds=s + seconds)) for s in range(0, 260, seconds)
    ]


def test_window_after_window_the_index_reads_what_a_full_read_does(
    sample_version: str, copy_sample: Callable[[str], Path], tmp_path: Path
) -> None:
    state = copy_sample(sample_version)
    index_file = tmp_path / "index.json"
    total = 0
    for start, end in _windows():
        indexed = _indexed(state, index_file, start, end)
        assert indexed == _plain(state, start, end)
        total += len(indexed[0])
    assert total == len(read_all(state)[0])
    if sample_version == "v2026.5.28":  # the file era: its transcripts got checkpoints inside
        saved = json.loads(index_file.read_text())["files"]
        assert any(len(entry["checkpoints"]) > 3 for entry in saved.values())


def test_a_later_window_starts_past_the_lines_already_read(
    copy_sample: Callable[[str], Path], tmp_path: Path
) -> None:
    state = copy_sample("v2026.5.28")
    index_file = tmp_path / "index.json"
    _indexed(state, index_file, FIRST, FIRST + timedelta(minutes=1))
    index = LineIndex.load(index_file)
    start, _ = index.resume(MAIN, state / MAIN, int((FIRST + timedelta(minutes=3)).timestamp() * 1000))
    assert start is not None and start[0] > 0 and start[1] > 1
    assert (state / MAIN).read_bytes()[start[0] - 1 : start[0]] == b"\n"  # a line boundary
    nothing, _ = index.resume(MAIN, state / MAIN, int(FIRST.timestamp() * 1000))
    assert nothing is None  # no line before the window's start is known to be past


def test_lines_appended_after_a_read_are_read(copy_sample: Callable[[str], Path], tmp_path: Path) -> None:
    state = writable(copy_sample("v2026.5.28"))
    index_file = tmp_path / "index.json"
    _indexed(state, index_file, FIRST, FIRST + timedelta(minutes=5))
    path = state / MAIN
    line = path.read_text().splitlines()[assistant_line_numbers(path)[-1] - 1]
    later = line.replace('"responseId":"', '"responseId":"later-').replace(
        "2026-11-27T04:3", "2026-11-27T05:3"
    )
    assert later != line
    with path.open("a") as transcript:
        transcript.write(later + "\n")
    window = (FIRST + timedelta(minutes=30), FIRST + timedelta(hours=2))
    indexed = _indexed(state, index_file, *window)
    assert indexed == _plain(state, *window)
    assert [e.source_line for e in indexed[0]] == [len(path.read_text().splitlines())]


def test_a_file_rewritten_in_place_is_read_from_its_start(
    copy_sample: Callable[[str], Path], tmp_path: Path
) -> None:
    state = writable(copy_sample("v2026.5.28"))
    index_file = tmp_path / "index.json"
    _indexed(state, index_file, FIRST, FIRST + timedelta(minutes=5))
    path = state / MAIN
    data = path.read_bytes()
    # Same length, same inode, lines moved: the first call's line now comes last, so every offset
    # recorded after it falls elsewhere in a line (a checkpoint trusted blindly would misread).
    first = assistant_line_numbers(path)[0]
    lines = data.rstrip(b"\n").split(b"\n")
    moved = lines.pop(first - 1)
    path.write_bytes(b"\n".join([*lines, moved]) + b"\n")
    assert len(path.read_bytes()) == len(data) and path.read_bytes() != data
    # The first read after the rewrite starts after checkpoints: they must be found stale.
    for start, end in reversed(_windows(60)):
        assert _indexed(state, index_file, start, end) == _plain(state, start, end)


def test_a_bad_line_is_reported_by_every_read_that_covers_it(
    copy_sample: Callable[[str], Path], tmp_path: Path
) -> None:
    state = writable(copy_sample("v2026.5.28"))
    path = state / MAIN
    lines = path.read_bytes().split(b"\n")
    bad = assistant_line_numbers(path)[1]
    lines[bad - 1] = lines[bad - 1][: len(lines[bad - 1]) // 2]  # cut short, as by a crash
    path.write_bytes(b"\n".join(lines))
    index_file = tmp_path / "index.json"
    for start, end in _windows(60):
        events, problems = _indexed(state, index_file, start, end)
        assert (events, problems) == _plain(state, start, end)
        assert any(f"{MAIN}:{bad}" in p for p in problems)


def test_an_unreadable_index_is_started_afresh(copy_sample: Callable[[str], Path], tmp_path: Path) -> None:
    state = copy_sample("v2026.5.28")
    index_file = tmp_path / "index.json"
    index_file.write_text('{"version": 1, "files": {"' + MAIN + '": {"file": [1, 2], "checkpoints": [[9]]}}}')
    window = (FIRST, FIRST + timedelta(minutes=5))
    assert _indexed(state, index_file, *window) == _plain(state, *window)
    index_file.write_text("not json")
    assert _indexed(state, index_file, *window) == _plain(state, *window)


JOB = "d802f64f-738b-423f-8602-734a7adebc25"  # a cron job of dash, 2026.5.28


def _later_session(state: Path, sid: str) -> None:
    """A transcript of dash like a cron run's, its calls three hours after the samples'."""
    earlier = "996b825f-b463-4163-9dcc-0e202e4e5752"
    text = (state / "agents" / "dash" / "sessions" / f"{earlier}.jsonl").read_text()
    text = text.replace(earlier, sid).replace("2026-11-27T04:3", "2026-11-27T07:3")
    (state / "agents" / "dash" / "sessions" / f"{sid}.jsonl").write_text(
        text.replace('"responseId":"', f'"responseId":"{sid[:8]}-')
    )


def _log_run(state: Path, sid: str, key: str, ended: datetime) -> None:
    run_log = state / "cron" / "runs" / f"{JOB}.jsonl"
    run = json.loads(run_log.read_text().splitlines()[-1])
    ms = int(ended.timestamp() * 1000)
    run.update(ts=ms, runAtMs=ms - 60_000, sessionId=sid, sessionKey=key)
    with run_log.open("a") as log:
        log.write(json.dumps(run) + "\n")


LATER = (FIRST + timedelta(hours=2, minutes=30), FIRST + timedelta(hours=4))


def test_cron_run_logs_are_read_from_past_the_runs_that_ended_before_the_window(
    copy_sample: Callable[[str], Path], tmp_path: Path
) -> None:
    state = writable(copy_sample("v2026.5.28"))
    index_file = tmp_path / "index.json"
    _indexed(state, index_file, FIRST, FIRST + timedelta(minutes=5))
    # The job runs again three hours later, in a new session the store does not name.
    sid = "0badc0de-0000-4000-8000-000000000001"
    _later_session(state, sid)
    _log_run(state, sid, f"agent:dash:cron:{JOB}:run:{sid}", FIRST + timedelta(hours=3, minutes=10))
    since = int((LATER[0] - timedelta(hours=1)).timestamp() * 1000)
    run_log = state / "cron" / "runs" / f"{JOB}.jsonl"
    skipped, _ = LineIndex.load(index_file).resume(f"cron/runs/{JOB}.jsonl", run_log, since)
    assert skipped is not None and skipped[1] == 2  # the two earlier runs are not read again
    indexed = _indexed(state, index_file, *LATER)
    assert indexed == _plain(state, *LATER)
    assert {e.session_key for e in indexed[0]} == {f"agent:dash:cron:{JOB}"}


def test_a_cron_run_in_a_session_that_lives_on_is_read_by_every_later_window(
    copy_sample: Callable[[str], Path], tmp_path: Path
) -> None:
    state = writable(copy_sample("v2026.5.28"))
    # A run with sessionTarget "session:…" early on; its session goes on being used three hours later.
    sid = "0badc0de-0000-4000-8000-000000000002"
    _log_run(state, sid, "agent:dash:standup", FIRST + timedelta(minutes=1))
    _later_session(state, sid)
    index_file = tmp_path / "index.json"
    _indexed(state, index_file, FIRST, FIRST + timedelta(minutes=5))
    indexed = _indexed(state, index_file, *LATER)
    assert indexed == _plain(state, *LATER)
    assert {e.session_key for e in indexed[0]} == {"agent:dash:standup"}
