"""A storage kind is one `TranscriptStore`: the inventory, the call times and the usage read
come from it alone."""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mission_pipeline.openclaw.transcripts import source_times, sources
from mission_pipeline.openclaw.transcripts.call_times import CallBounds
from mission_pipeline.openclaw.transcripts.reading import AgentReading, Section
from mission_pipeline.openclaw.transcripts.store import ReadStep, TranscriptSource, TranscriptStore
from mission_pipeline.openclaw.transcripts.store_files import SessionFiles
from mission_pipeline.openclaw.transcripts.store_sqlite import AgentDatabase
from mission_pipeline_tests.conftest import sample_dir
from mission_pipeline_tests.openclaw.usage.helpers import read_all

NOON = datetime(2030, 1, 2, 12, tzinfo=UTC)


def call_line(at: datetime, response_id: str) -> str:
    """A transcript line of one assistant call."""
    message = {"role": "assistant", "provider": "anthropic", "model": "claude-x", "responseId": response_id}
    usage = {"input": 10, "output": 5, "cacheRead": 0, "cacheWrite": 0}
    return json.dumps(
        {"type": "message", "timestamp": at.isoformat(), "message": {**message, "usage": usage}}
    )


class DiaryStore(TranscriptStore):
    """An invented era: one `agents/<id>/diary.txt` per agent, transcript lines of one session.

    Read before every other kind (pass -1): the newest era's copy of a call counts.
    """

    kinds = ("diary",)
    read_steps = (ReadStep("diary", -1, 0),)

    def list_sources(self, state_dir: Path, agent_id: str, unlisted: list[str]) -> list[TranscriptSource]:
        path = state_dir / "agents" / agent_id / "diary.txt"
        if not path.is_file():
            return []
        return [TranscriptSource(f"agents/{agent_id}/diary.txt", agent_id, "diary", "v1", None, None)]

    def _moment(self, state_dir: Path, source: TranscriptSource) -> datetime:
        first = (state_dir / source.path).read_text().splitlines()[0]
        return datetime.fromisoformat(json.loads(first)["timestamp"])

    def earliest_call(self, state_dir: Path, source: TranscriptSource) -> datetime | None:
        return self._moment(state_dir, source)

    def bounds(self, state_dir: Path, source: TranscriptSource) -> CallBounds:
        return CallBounds(self._moment(state_dir, source), self._moment(state_dir, source))

    def appended_bounds(self, state_dir: Path, source: TranscriptSource, since: datetime) -> CallBounds:
        return CallBounds(since, self._moment(state_dir, source))

    def newest_call(self, state_dir: Path, source: TranscriptSource) -> datetime | None:
        return self._moment(state_dir, source)

    def is_empty(self, state_dir: Path, source: TranscriptSource) -> bool:
        return False

    def sections(self, reading: AgentReading, part: str) -> Generator[Section, None, None]:
        path = reading.state_dir / "agents" / reading.agent_id / "diary.txt"
        if path.is_file():
            lines = enumerate(path.read_bytes().splitlines(), 1)
            yield Section(f"agents/{reading.agent_id}/diary.txt", "diary-1", None, "diary", lines)


class LateDiaryStore(DiaryStore):
    """The same era read after every other kind: another kind's copy of a call counts."""

    read_steps = (ReadStep("diary", 3, 0),)


def test_every_kind_the_inventory_lists_has_exactly_one_store() -> None:
    kinds = [kind for store in sources.STORES for kind in store.kinds]
    assert len(kinds) == len(set(kinds))
    for version in ("v2026.5.28", "v2026.9.6"):
        for source in sources.list_transcript_sources(sample_dir(version) / "state"):
            assert isinstance(sources.store_of(source), AgentDatabase | SessionFiles)


def test_a_new_storage_era_is_one_new_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "agents" / "main").mkdir(parents=True)
    (tmp_path / "agents" / "main" / "diary.txt").write_text(call_line(NOON, "resp-noon"))
    monkeypatch.setattr(sources, "STORES", (*sources.STORES, DiaryStore()))
    (diary,) = sources.list_transcript_sources(tmp_path)
    assert (diary.path, diary.kind) == ("agents/main/diary.txt", "diary")
    assert source_times.source_bounds(tmp_path, diary) == CallBounds(NOON, NOON)
    assert source_times.newest_call(tmp_path, diary) == NOON
    assert source_times.earliest_call(tmp_path, [diary]).at == NOON
    monkeypatch.setattr(sources, "STORES", sources.STORES[:-1])
    with pytest.raises(KeyError, match="diary"):
        sources.store_of(diary)


@pytest.mark.parametrize(("store", "counted_from"), [(DiaryStore(), "diary"), (LateDiaryStore(), "jsonl")])
def test_the_new_era_s_calls_are_read_in_its_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: DiaryStore, counted_from: str
) -> None:
    (tmp_path / "agents" / "main" / "sessions").mkdir(parents=True)
    later = NOON + timedelta(hours=2)
    diary = [call_line(NOON, "resp-noon"), "{broken", call_line(later, "resp-later")]
    (tmp_path / "agents" / "main" / "diary.txt").write_text("\n".join(diary) + "\n")
    # A leftover copy of the noon call in the file era's live transcript.
    leftover = tmp_path / "agents" / "main" / "sessions" / "s1.jsonl"
    leftover.write_text(call_line(NOON, "resp-noon") + "\n")
    os.utime(leftover, (NOON.timestamp(), NOON.timestamp()))  # written then, or pruned as older
    start, end = NOON - timedelta(hours=1), NOON + timedelta(hours=1)

    before, _ = read_all(tmp_path, start=start, end=end)
    assert [(e.event_id, e.source) for e in before] == [("resp-noon", "jsonl")]

    monkeypatch.setattr(sources, "STORES", (*sources.STORES, store))
    events, problems = read_all(tmp_path, start=start, end=end)
    # Once, from the copy read first; the later call is outside the window.
    assert [(e.event_id, e.source) for e in events] == [("resp-noon", counted_from)]
    if counted_from == "diary":
        (event,) = events
        assert (event.session_id, event.source_path, event.source_line) == (
            "diary-1",
            "agents/main/diary.txt",
            1,
        )
    ((path, line),) = [(p.path, p.line) for p in problems]
    assert (path, line) == ("agents/main/diary.txt", 2)
