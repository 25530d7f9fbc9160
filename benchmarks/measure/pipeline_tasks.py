"""Child tasks running the pipeline's own code: the Dagster job, the usage reader, the workspace scan.

Heavy imports happen inside each task, after the child started and before its clock does.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any

from benchmarks.measure.proc_stats import DescendantPeaks
from benchmarks.measure.totals import sums, window


def job(first: str, last: str) -> dict[str, Any]:
    """The real `usage_job` for one day (first == last) or a single-run backfill of [first, last]."""
    warnings.simplefilter("ignore")
    import dagster as dg

    from mission_pipeline.definitions import defs

    usage_job = defs.resolve_job_def("usage_job")
    tags = {}
    partition = None
    if first == last:
        partition = first
    else:
        tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
    with dg.DagsterInstance.ephemeral() as instance, DescendantPeaks() as workers:
        started = time.perf_counter()
        result = usage_job.execute_in_process(
            instance=instance, partition_key=partition, tags=tags, raise_on_error=False
        )
        seconds = time.perf_counter() - started
        steps: dict[str, float] = {}
        begun: dict[str, float] = {}
        for entry in instance.all_logs(result.run_id):
            event = entry.dagster_event
            if event is None or event.step_key is None:
                continue
            if event.event_type_value == "STEP_START":
                begun[event.step_key] = entry.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in begun:
                steps[event.step_key] = round(entry.timestamp - begun[event.step_key], 3)
        failures = [str(e.event_specific_data)[:2000] for e in result.all_events if e.is_step_failure]
        processes = [
            m.metadata["reader_processes"].value
            for m in result.asset_materializations_for_node("openclaw_usage_events")
            if "reader_processes" in m.metadata
        ]
    # The reader's worker processes are this process's children: their largest peak, in bytes.
    worker_rss = max(workers.peaks.values(), default=0)
    return {
        "seconds": seconds,
        "success": result.success,
        "steps": steps,
        "failures": failures,
        "reader_processes": processes[0] if processes else None,
        "worker_rss": worker_rss,
    }


def read(state: str, first: str, last: str) -> dict[str, Any]:
    """The real reader drained for [first, last], with its totals per agent and day."""
    from mission_pipeline.openclaw.problems import ProblemLog
    from mission_pipeline.openclaw.usage.read import read_usage_events

    lo, hi = window(first, last)
    problems = ProblemLog(base=Path(state))
    by_cell: dict[tuple[str, str], list[float]] = {}
    started = time.perf_counter()
    for e in read_usage_events(Path(state), start=lo, end=hi, problems=problems):
        key = (e.agent_id, e.occurred_at.date().isoformat())
        row = by_cell.get(key)
        if row is None:
            row = by_cell[key] = [0, 0, 0, 0, 0, 0.0]
        row[0] += 1
        row[1] += e.input_tokens
        row[2] += e.output_tokens
        row[3] += e.cache_read_tokens
        row[4] += e.cache_write_tokens
        row[5] += e.recorded_cost_usd or 0.0
    seconds = time.perf_counter() - started
    totals = sums((a, d, *r) for (a, d), r in by_cell.items())
    return {
        "seconds": seconds,
        "events": sum(r[0] for r in by_cell.values()),
        "problems": problems.count,
        "totals": totals,
    }


def scan(root: str, repeats: int) -> dict[str, Any]:
    """The real workspace scanner, `repeats` times (warm cache)."""
    from mission_pipeline.openclaw.problems import ProblemLog
    from mission_pipeline.openclaw.workspaces import scan_workspace

    times = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = scan_workspace("main", Path(root), max_depth=3, problems=ProblemLog(base=Path(root)))
        times.append(time.perf_counter() - started)
    assert result is not None
    return {"times": times, "files": len(result.files), "bytes": sum(f.size_bytes for f in result.files)}
