"""Child tasks writing the usage ledger: the pipeline's IO manager, and PostgreSQL's own COPY.

Both write the same rows into the same empty table; the rows are read beforehand, untimed.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path
from typing import Any

from benchmarks.measure.totals import window


def ledger_write(state: str, first: str, last: str, db_url: str, repeats: int = 1) -> dict[str, Any]:
    """The IO manager's write of the ledger's rows (read beforehand, untimed) into an empty table, then
    the same rows again (the daily rerun: every row unchanged); `repeats` times, table emptied between."""
    warnings.simplefilter("ignore")
    import dagster as dg

    from mission_pipeline.defs.usage.ledger import openclaw_usage_events
    from mission_pipeline.warehouse.database import DatabaseTarget
    from mission_pipeline.warehouse.io_manager import TableOutput, encode, merge, merge_statements
    from mission_pipeline.warehouse.io_manager.catalog import describe_table
    from mission_pipeline.warehouse.io_manager.partition_window import Window
    from mission_pipeline.warehouse.io_manager.straight_copy import StraightCopy
    from mission_pipeline.warehouse.io_manager.write_modes import WriteSpec

    frames = _ledger_frames(state, first, last)
    rows = sum(len(f) for f in frames)
    spent = _time_calls(
        (encode, "binary_columns"),  # values for binary COPY (client)
        (merge, "encode_chunk"),  # those, then COPY's binary format (client, producing thread)
        (StraightCopy, "copy"),  # a first load: COPY straight into the table (writer thread from here)
        (merge, "load_chunk"),  # COPY into the stage (server; writer thread from here on)
        (merge_statements, "record_keys"),  # the chunk's keys, checked unique across chunks
        (merge_statements, "upsert"),  # UPDATE of changed rows, INSERT of new keys
    )
    metadata = openclaw_usage_events.metadata_by_key[dg.AssetKey("openclaw_usage_events")]
    spec = WriteSpec.from_metadata(metadata, asset="openclaw_usage_events")
    lo, hi = window(first, last)
    target = DatabaseTarget.from_url(db_url)
    out: dict[str, Any] = {"rows": rows, "runs": []}
    for _ in range(repeats):
        with target.connect(autocommit=True) as conn:
            conn.execute("truncate openclaw_usage_events")
        run: dict[str, Any] = {}
        for label in ("write", "rewrite"):
            spent.clear()
            started = time.perf_counter()
            with target.connect(autocommit=True) as conn, conn.transaction():
                table = describe_table(conn, "public", "openclaw_usage_events")
                counts, staged = merge.write_output(
                    conn, table, spec, Window("occurred_at", lo, hi), TableOutput(chunks=frames)
                )
            run[label] = {
                "seconds": time.perf_counter() - started,
                "counts": [counts.inserted, counts.updated, staged],
                "parts": dict(spent),
            }
        out["runs"].append(run)
    best = min(out["runs"], key=lambda r: r["write"]["seconds"])
    out["seconds"] = best["write"]["seconds"]
    out["parts"] = best["write"]["parts"]
    best_rewrite = min(out["runs"], key=lambda r: r["rewrite"]["seconds"])
    out["rewrite_seconds"] = best_rewrite["rewrite"]["seconds"]
    out["rewrite_parts"] = best_rewrite["rewrite"]["parts"]
    return out


def copy_reference(
    state: str, first: str, last: str, db_url: str, csv_path: str, repeats: int = 1
) -> dict[str, Any]:
    """PostgreSQL's own `COPY ... FROM STDIN (FORMAT csv)` of the same ledger rows into the same (empty)
    table; `repeats` times, emptied between."""
    from mission_pipeline.warehouse.database import DatabaseTarget

    frames = _ledger_frames(state, first, last)
    # The frames' own columns, as the IO manager writes them (the ledger's fields and gateway_id).
    names = [str(c) for c in frames[0].columns]
    rows = 0
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        for frame in frames:
            frame.to_csv(handle, index=False, header=False, na_rep="\\N")
            rows += len(frame)
    del frames
    columns = ", ".join(names)
    target = DatabaseTarget.from_url(db_url)
    size = os.path.getsize(csv_path)
    times = []
    for _ in range(repeats):
        with target.connect(autocommit=True) as conn:
            conn.execute("truncate openclaw_usage_events")
        started = time.perf_counter()
        with (
            target.connect(autocommit=True) as conn,
            conn.transaction(),
            conn.cursor() as cur,
            cur.copy(
                f"COPY openclaw_usage_events ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            ) as copy,
            open(csv_path, "rb") as handle,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        times.append(time.perf_counter() - started)
    return {"seconds": min(times), "times": times, "rows": rows, "csv_bytes": size}


def _ledger_frames(state: str, first: str, last: str) -> list[Any]:
    """The ledger asset's frames for [first, last], as the pipeline builds them from the reader."""
    from mission_pipeline.defs.usage.frames import event_frames
    from mission_pipeline.openclaw.problems import ProblemLog
    from mission_pipeline.openclaw.usage.parallel import read_usage_batches

    lo, hi = window(first, last)
    problems = ProblemLog(base=Path(state))
    return list(event_frames(read_usage_batches(Path(state), workers=1, start=lo, end=hi, problems=problems)))


def _time_calls(*where: tuple[Any, str]) -> dict[str, float]:
    """Wrap module functions so the time spent in each is added up (the code itself is unchanged)."""
    spent: dict[str, float] = {}
    for module, name in where:
        original = getattr(module, name)

        def timed(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)
    return spent
