"""Child process of the fault tests: run the real `usage_job` for one day (or a range) and report.

Usage: python -m mission_pipeline_tests.reliability.run_usage_day <day> [<last day>]

Settings come from the environment, as in production (SUPABASE_DB_URL, OPENCLAW_STATE_DIR, ...).
Prints one JSON line `result {...}` with the outcome (and writes it to MP_TEST_RESULT when set).
Uses the instance of DAGSTER_HOME when it is set (its event log then stays for inspection), else an
ephemeral one. MP_TEST_PYTHON_LOG names a file that receives every Python log record (DEBUG and up).
Exit status 0 when the run succeeded.
"""

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import dagster as dg

from mission_pipeline.definitions import defs


def error_chain(error: Any) -> list[str]:
    """Messages of a SerializableErrorInfo and of its causes and contexts, outermost first."""
    out: list[str] = []
    while error is not None:
        out.append(str(error.message).strip())
        error = error.cause or error.context
    return out


def run(first: str, last: str | None, instance: dg.DagsterInstance) -> dict[str, Any]:
    """Execute usage_job for `first` (or the range first..last) on `instance`; a summary."""
    job = defs.resolve_job_def("usage_job")
    tags: dict[str, str] = {}
    partition: str | None = first
    if last is not None:
        tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
        partition = None
    started = time.monotonic()
    result = job.execute_in_process(
        instance=instance, partition_key=partition, tags=tags, raise_on_error=False
    )
    events = result.all_events
    timeline: list[dict[str, Any]] = []
    kinds = {
        dg.DagsterEventType.STEP_START,
        dg.DagsterEventType.STEP_UP_FOR_RETRY,
        dg.DagsterEventType.STEP_RESTARTED,
        dg.DagsterEventType.STEP_FAILURE,
        dg.DagsterEventType.STEP_SUCCESS,
    }
    entries = instance.all_logs(result.run_id)
    begin = entries[0].timestamp if entries else 0.0
    for entry in entries:
        event = entry.dagster_event
        if event is not None and event.event_type in kinds:
            timeline.append(
                {
                    "at_s": round(entry.timestamp - begin, 3),
                    "event": event.event_type.value,
                    "step": event.step_key,
                    "wait_s": getattr(event.event_specific_data, "seconds_to_wait", None),
                }
            )
    return {
        "timeline": timeline,
        "success": result.success,
        "run_id": result.run_id,
        "seconds": round(time.monotonic() - started, 3),
        "retries": sum(e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY for e in events),
        "retry_errors": [
            error_chain(getattr(e.event_specific_data, "error", None))
            for e in events
            if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY
        ],
        "failures": [
            error_chain(getattr(e.event_specific_data, "error", None))
            for e in events
            if e.event_type == dg.DagsterEventType.STEP_FAILURE
        ],
    }


def report(summary: dict[str, Any]) -> None:
    line = json.dumps(summary)
    print("result " + line, flush=True)
    target = os.environ.get("MP_TEST_RESULT")
    if target:
        Path(target).write_text(line, encoding="utf-8")


def main(argv: list[str]) -> int:
    log_file = os.environ.get("MP_TEST_PYTHON_LOG")
    if log_file:
        # Every Python log record of the process, at every level, for the secrets search.
        logging.basicConfig(level=logging.DEBUG, filename=log_file, force=True)
    first, last = argv[1], (argv[2] if len(argv) > 2 else None)
    with (
        dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral() as inst
    ):
        summary = run(first, last, inst)
    report(summary)
    return 0 if summary["success"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
