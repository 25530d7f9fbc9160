"""A long read on several cores: the agents split among worker processes, the result unchanged.

`read_usage_events` reads pass by pass, each pass for every agent in order, and the first copy of a
call wins. Here agent i goes to worker i mod n, which reads its agents in that same order and sends
each (pass, agent) cell's rows as it parses them; the parent takes the cells in the serial order,
from whichever worker holds each, and keeps the first copy of each `event_id`. So the events, their
order and the problems are the serial reader's, while the workers parse on every core. A worker's
own failure is an error naming it; stopping early (or any error here) ends the workers.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.transcripts import sources
from mission_pipeline.openclaw.transcripts.files import agent_ids_in
from mission_pipeline.openclaw.transcripts.line_index import LineIndex
from mission_pipeline.openclaw.transcripts.store import read_passes
from mission_pipeline.openclaw.usage.batch import EventBatch, batches
from mission_pipeline.openclaw.usage.read import read_usage_events
from mission_pipeline.openclaw.usage.seen import SeenIds
from mission_pipeline.openclaw.usage.worker import BATCH


class WorkerFailed(RuntimeError):
    """A reader worker exited before sending all it had to."""


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def read_usage_batches(
    state_dir: Path,
    *,
    workers: int,
    start: datetime | None = None,
    end: datetime | None = None,
    problems: ProblemLog,
    line_index: LineIndex | None = None,
) -> Iterator[EventBatch]:
    """`read_usage_events`' events in its order, in batches, read by `workers` processes (or here).

    The `line_index` serves a read in this process only: a long read gains little from it.
    """
    agents = agent_ids_in(state_dir, None)
    workers = min(workers, len(agents))
    if workers < 2:
        events = read_usage_events(state_dir, start=start, end=end, problems=problems, line_index=line_index)
        yield from batches(events, BATCH)
        return
    passes = len(read_passes(sources.STORES))
    started = [_Worker.start(state_dir, agents[i::workers], start, end) for i in range(workers)]
    try:
        seen = SeenIds()
        for _ in range(passes):
            for index in range(len(agents)):
                worker = started[index % workers]
                for digests, batch in worker.cell(problems):
                    kept = seen.firsts(digests)  # None nearly always: a call's copies are one agent's
                    yield batch if kept is None else batch.take(kept)
        cron_reported = False
        for worker in started:
            items, count = worker.finish()
            if count and not cron_reported:  # the same cron logs, read by every worker that needed them
                problems.absorb(items, count)
                cron_reported = True
    finally:
        for worker in started:
            worker.stop()


class _Worker:
    """One worker process and the pipe its frames come through."""

    def __init__(self, process: subprocess.Popen[bytes], errors: IO[bytes], agents: Sequence[str]) -> None:
        self.process, self.errors, self.agents = process, errors, agents

    @classmethod
    def start(
        cls, state_dir: Path, agents: Sequence[str], start: datetime | None, end: datetime | None
    ) -> _Worker:
        job = {
            "state_dir": str(state_dir),
            "agents": list(agents),
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        }
        errors = tempfile.TemporaryFile()  # noqa: SIM115  # closed by stop()
        process = subprocess.Popen(
            [sys.executable, "-m", "mission_pipeline.openclaw.usage.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdin is not None
        try:
            with process.stdin:
                process.stdin.write(json.dumps(job).encode())
        except BrokenPipeError:
            pass  # it died at once: reading its first cell says so, with what it wrote to stderr
        return cls(process, errors, agents)

    def cell(self, problems: ProblemLog) -> Iterator[tuple[array[int], EventBatch]]:
        """The batches (id digests, events) of the worker's next cell; its problems go to `problems`."""
        while True:
            message = self._next()
            if message[0] == "rows":
                yield message[1], EventBatch(message[2])
            elif message[0] == "end":
                problems.absorb(message[1], message[2])
                return
            else:
                raise self._failure(f"sent {message[0]!r} where a cell was expected")

    def finish(self) -> tuple[list[Any], int]:
        """The cron log problems the worker met; waits for it to exit."""
        message = self._next()
        if message[0] != "done":
            raise self._failure(f"sent {message[0]!r} after its last cell")
        self.process.wait()
        return message[1], message[2]

    def _next(self) -> tuple[Any, ...]:
        out = self.process.stdout
        assert out is not None
        header = out.read(8)
        data = out.read(int.from_bytes(header, "little")) if len(header) == 8 else b""
        if not data:
            raise self._failure("stopped before its last cell")
        # Our own child's output, made by `worker.frame` from what it read: not untrusted data.
        message: tuple[Any, ...] = pickle.loads(data)  # noqa: S301
        return message

    def _failure(self, what: str) -> WorkerFailed:
        code = self.process.wait()
        self.errors.seek(0)
        tail = self.errors.read()[-2000:].decode(errors="replace").strip()
        agents = ", ".join(self.agents)
        said = f": {tail}" if tail else ""
        return WorkerFailed(f"usage reader worker for agents {agents} {what} (exit code {code}){said}")

    def stop(self) -> None:
        """End the process if it still runs, and release its pipes."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()
