"""A storage kind is one `TranscriptStore`: the inventory and the call times come from it alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mission_pipeline.openclaw.transcripts import source_times, sources
from mission_pipeline.openclaw.transcripts.call_times import CallBounds
from mission_pipeline.openclaw.transcripts.store import TranscriptSource, TranscriptStore
from mission_pipeline.openclaw.transcripts.store_files import SessionFiles
from mission_pipeline.openclaw.transcripts.store_sqlite import AgentDatabase
from mission_pipeline_tests.conftest import sample_dir

NOON = datetime(2030, 1, 2, 12, tzinfo=UTC)


class DiaryStore(TranscriptStore):
    """An invented era: one `agents/<id>/diary.txt` per agent holding the epoch second of its call."""

    kinds = ("diary",)

    def list_sources(self, state_dir: Path, agent_id: str, unlisted: list[str]) -> list[TranscriptSource]:
        path = state_dir / "agents" / agent_id / "diary.txt"
        if not path.is_file():
            return []
        return [TranscriptSource(f"agents/{agent_id}/diary.txt", agent_id, "diary", "v1", None, None)]

    def _moment(self, state_dir: Path, source: TranscriptSource) -> datetime:
        return datetime.fromtimestamp(int((state_dir / source.path).read_text()), UTC)

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


def test_every_kind_the_inventory_lists_has_exactly_one_store() -> None:
    kinds = [kind for store in sources.STORES for kind in store.kinds]
    assert len(kinds) == len(set(kinds))
    for version in ("v2026.5.28", "v2026.9.6"):
        for source in sources.list_transcript_sources(sample_dir(version) / "state"):
            assert isinstance(sources.store_of(source), AgentDatabase | SessionFiles)


def test_a_new_storage_era_is_one_new_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "agents" / "main").mkdir(parents=True)
    (tmp_path / "agents" / "main" / "diary.txt").write_text(str(int(NOON.timestamp())))
    monkeypatch.setattr(sources, "STORES", (*sources.STORES, DiaryStore()))
    (diary,) = sources.list_transcript_sources(tmp_path)
    assert (diary.path, diary.kind) == ("agents/main/diary.txt", "diary")
    assert source_times.source_bounds(tmp_path, diary) == CallBounds(NOON, NOON)
    assert source_times.newest_call(tmp_path, diary) == NOON
    assert source_times.earliest_call(tmp_path, [diary]).at == NOON
    monkeypatch.setattr(sources, "STORES", sources.STORES[:-1])
    with pytest.raises(KeyError, match="diary"):
        sources.store_of(diary)
