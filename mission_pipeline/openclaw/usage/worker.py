"""A usage reader worker: `python -m mission_pipeline.openclaw.usage.worker`, started by `parallel`.

It reads the job (JSON on stdin: state dir, its agents, the window), then reads those agents pass by
pass exactly as `read.read_usage_events` does, and writes framed pickles to stdout: the rows of each
(pass, agent) cell in batches of columns (`batch.EventBatch`) with their id digests, then the cell's
end with the problems met in it. A thread writes to the pipe while the reader parses, so the worker
runs ahead of the parent (at most `_AHEAD` frames).
"""

from __future__ import annotations

import json
import pickle
import queue
import sys
import threading
from array import array
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.transcripts import sources
from mission_pipeline.openclaw.transcripts.keys import CronKeys
from mission_pipeline.openclaw.transcripts.store import read_passes
from mission_pipeline.openclaw.usage.agent_reader import AgentReader
from mission_pipeline.openclaw.usage.batch import EventBatch
from mission_pipeline.openclaw.usage.events import UsageEvent
from mission_pipeline.openclaw.usage.read import cell_events
from mission_pipeline.openclaw.usage.seen import SeenIds, id_digest
from mission_pipeline.openclaw.usage.window import TimeWindow

BATCH = 4096
_AHEAD = 32  # frames of ~1 MB each waiting for the parent, at most
_DONE = b""


def frame(message: tuple[Any, ...]) -> bytes:
    """One message as sent: its length (8 bytes, little-endian) and its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(8, "little") + data


def run(job: dict[str, Any], out: BinaryIO) -> None:
    """Read the job's agents and send every cell's rows and problems to `out`."""
    state_dir = Path(job["state_dir"])
    window = TimeWindow.of(*(datetime.fromisoformat(v) if v else None for v in (job["start"], job["end"])))
    problems, cron_problems = ProblemLog(base=state_dir), ProblemLog(base=state_dir)
    cron = CronKeys(state_dir, cron_problems)  # every worker reads the same logs: the parent keeps one
    stores = sources.STORES
    agents = [AgentReader(state_dir, a, problems, window, cron, stores) for a in job["agents"]]
    waiting: queue.Queue[bytes] = queue.Queue(maxsize=_AHEAD)
    writer = threading.Thread(target=_write, args=(waiting, out), daemon=True)
    writer.start()
    seen = SeenIds()
    kept, counted = 0, 0
    for steps in read_passes(stores):
        for agent in agents:
            digests: array[int] = array("Q")
            batch: list[UsageEvent] = []
            for event in cell_events(agent, steps, window):
                digests.append(id_digest(event.event_id))
                batch.append(event)
                if len(batch) >= BATCH:
                    waiting.put(_rows(seen, digests, batch))
                    digests, batch = array("Q"), []
            if batch:
                waiting.put(_rows(seen, digests, batch))
            items = list(problems)
            waiting.put(frame(("end", items[kept:], problems.count - counted)))
            kept, counted = len(items), problems.count
    waiting.put(frame(("done", list(cron_problems), cron_problems.count)))
    waiting.put(_DONE)
    writer.join()


def _rows(seen: SeenIds, digests: array[int], batch: list[UsageEvent]) -> bytes:
    """The frame of a batch's events not sent before (a copy the parent would drop anyway)."""
    kept = seen.firsts(digests)
    if kept is not None:
        digests = array("Q", [digests[i] for i in kept])
        batch = [batch[i] for i in kept]
    return frame(("rows", digests, EventBatch.of(batch).columns))


def _write(waiting: queue.Queue[bytes], out: BinaryIO) -> None:
    while (data := waiting.get()) != _DONE:
        out.write(data)
    out.flush()


def main() -> None:
    """Run the job given on stdin; an error goes to stderr (the parent names it) and exits 1."""
    job = json.loads(sys.stdin.buffer.read())
    run(job, sys.stdout.buffer)


if __name__ == "__main__":
    main()
