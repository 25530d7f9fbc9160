"""A read split among worker processes gives the serial reader's events, order and problems."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mission_pipeline.defs.usage.ledger import read_workers
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.usage import parallel
from mission_pipeline.openclaw.usage.batch import EventBatch
from mission_pipeline.openclaw.usage.events import UsageEvent
from mission_pipeline.openclaw.usage.parallel import WorkerFailed, read_usage_batches
from mission_pipeline_tests.openclaw.usage.helpers import read_all, writable

MAIN = "agents/main/sessions/8fa1d44b-37c6-40d3-b397-35d03385820a.jsonl"  # 2026.5.28, 6 calls


def _read_in_workers(state: Path, workers: int) -> tuple[list[UsageEvent], ProblemLog]:
    problems = ProblemLog(base=state)
    batches = read_usage_batches(state, workers=workers, problems=problems)
    return [event for batch in batches for event in batch.events()], problems


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_read_what_the_serial_reader_reads(sample_version: str, workers: int) -> None:
    from mission_pipeline_tests.conftest import sample_state

    state = sample_state(sample_version)
    serial, serial_problems = read_all(state)
    events, problems = _read_in_workers(state, workers)
    assert len(serial) > 50
    assert events == serial  # every field, in the same order
    assert [str(p) for p in problems] == [str(p) for p in serial_problems]


def test_a_call_in_two_workers_agents_is_kept_once_where_the_serial_reader_keeps_it(
    copy_sample: Callable[[str], Path],
) -> None:
    # main is read by the second worker, amber by the first; amber comes first in the serial order.
    state = writable(copy_sample("v2026.5.28"))
    shutil.copy(state / MAIN, state / "agents/amber/sessions" / Path(MAIN).name)
    with (state / MAIN).open("ab") as broken:
        broken.write(b'{"type":"message","message":{"role":"assistant","usage":\n')
    serial, serial_problems = read_all(state)
    events, problems = _read_in_workers(state, 2)
    assert events == serial
    assert [str(p) for p in problems] == [str(p) for p in serial_problems]
    copied = [e for e in serial if e.source_path.endswith(Path(MAIN).name)]
    assert copied and {e.agent_id for e in copied} == {"amber"}
    assert problems.count == 1 and MAIN in str(next(iter(problems)))


def test_a_worker_that_dies_is_named_with_what_it_said(
    sample_version: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mission_pipeline_tests.conftest import sample_state

    failing = tmp_path / "python"
    failing.write_text("#!/bin/sh\necho 'MemoryError: out of memory' >&2\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setattr("mission_pipeline.openclaw.usage.parallel.sys.executable", str(failing))
    with pytest.raises(WorkerFailed) as failed:
        _read_in_workers(sample_state(sample_version), 2)
    message = str(failed.value)
    assert "usage reader worker for agents amber, dash, max stopped before its last cell" in message
    assert "(exit code 3): MemoryError: out of memory" in message


def test_a_batch_keeps_every_field_exactly(sample_version: str) -> None:
    from mission_pipeline_tests.conftest import sample_state

    events, _ = read_all(sample_state(sample_version))
    batch = EventBatch.of(events)
    assert list(batch.events()) == events
    assert list(batch.take([2, 0]).events()) == [events[2], events[0]]
    assert len(EventBatch.of([])) == 0


def test_short_windows_are_read_in_the_step_and_long_ones_on_every_core() -> None:
    assert read_workers(0, dt.timedelta(days=1)) == 1
    assert read_workers(4, dt.timedelta(days=7)) == 1
    assert read_workers(4, dt.timedelta(days=30)) == 4
    assert read_workers(0, dt.timedelta(days=365)) == parallel.usable_cores()
