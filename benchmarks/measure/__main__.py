"""The child process: `python -m benchmarks.measure TASK ARGS_JSON` runs one task."""

from __future__ import annotations

import sys

from benchmarks.measure.child import Task, child_main
from benchmarks.measure.ledger_tasks import copy_reference, ledger_write
from benchmarks.measure.pipeline_tasks import job, read, scan
from benchmarks.measure.reference_tasks import duckdb_reference, sqlite_reference
from benchmarks.measure.tick_tasks import load_definitions, runs, stop_instigators, ticks

TASKS: dict[str, Task] = {
    fn.__name__: fn
    for fn in (
        job,
        read,
        ledger_write,
        copy_reference,
        duckdb_reference,
        sqlite_reference,
        scan,
        ticks,
        runs,
        load_definitions,
        stop_instigators,
    )
}

if __name__ == "__main__":
    child_main(sys.argv[1:], TASKS)
