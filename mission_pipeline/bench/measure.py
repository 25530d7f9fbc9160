"""Measurements, each in a child process of its own so that times and peak RSS never mix.

The parent (`Runner`) starts `python -m mission_pipeline.bench.measure TASK ARGS_JSON`, reads the
child's result line, and collects the child's own rusage with `os.wait4` (peak RSS of that process
alone). Times are taken inside the child around the measured call only (imports and setup excluded),
except for the external reference commands (`find`, `sqlite3`), timed around the process.

Every task runs the pipeline's real code: the real Dagster job (`usage_job`) through
`execute_in_process` with the environment a deployment uses, or the real reader
(`read_usage_events`), IO-manager write (`io_manager._write`, what `handle_output` runs inside its
transaction) and workspace scanner (`scan_workspace`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

RESULT = "BENCH_RESULT "
# The sqlite3 reference: calls per day straight from transcript_events (rows with usage, as the reader).
SQLITE3_SQL = (
    "SELECT substr(event_json ->> '$.timestamp', 1, 10) AS day, count(*),"
    " sum(event_json ->> '$.message.usage.input'), sum(event_json ->> '$.message.usage.output'),"
    " sum(event_json ->> '$.message.usage.cacheRead'), sum(event_json ->> '$.message.usage.cacheWrite'),"
    " sum(event_json ->> '$.message.usage.cost.total')"
    " FROM transcript_events WHERE event_json ->> '$.type' = 'message'"
    " AND event_json ->> '$.message.role' = 'assistant'"
    " AND coalesce(event_json ->> '$.message.provider', '') <> 'openclaw'"
    " AND event_json ->> '$.message.usage.totalTokens' > 0 GROUP BY 1;"
)
TASKS: dict[str, Callable[..., dict[str, Any]]] = {}


def task(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    TASKS[fn.__name__] = fn
    return fn


def _window(first: str, last: str) -> tuple[datetime, datetime]:
    lo = datetime.fromisoformat(first).replace(tzinfo=UTC)
    hi = datetime.fromisoformat(last).replace(tzinfo=UTC) + timedelta(days=1)
    return lo, hi


def _sums(rows: Any) -> dict[str, dict[str, list[float]]]:
    out: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for agent, day, *values in rows:
        out[agent][day] = [int(v) for v in values[:5]] + [round(float(values[5] or 0), 9)]
    return out


# --- child tasks ----------------------------------------------------------------------------------------


@task
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
    with dg.DagsterInstance.ephemeral() as instance:
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
    return {"seconds": seconds, "success": result.success, "steps": steps, "failures": failures}


@task
def read(state: str, first: str, last: str) -> dict[str, Any]:
    """The real reader drained for [first, last], with its totals per agent and day."""
    from mission_pipeline.openclaw.problems import ProblemLog
    from mission_pipeline.openclaw.usage import read_usage_events

    lo, hi = _window(first, last)
    problems = ProblemLog(base=Path(state))
    sums: dict[tuple[str, str], list[float]] = {}
    started = time.perf_counter()
    for e in read_usage_events(Path(state), start=lo, end=hi, problems=problems):
        key = (e.agent_id, e.occurred_at.date().isoformat())
        row = sums.get(key)
        if row is None:
            row = sums[key] = [0, 0, 0, 0, 0, 0.0]
        row[0] += 1
        row[1] += e.input_tokens
        row[2] += e.output_tokens
        row[3] += e.cache_read_tokens
        row[4] += e.cache_write_tokens
        row[5] += e.recorded_cost_usd or 0.0
    seconds = time.perf_counter() - started
    totals = _sums((a, d, *r) for (a, d), r in sums.items())
    return {
        "seconds": seconds,
        "events": sum(r[0] for r in sums.values()),
        "problems": problems.count,
        "totals": totals,
    }


def _ledger_frames(state: str, first: str, last: str) -> list[Any]:
    from mission_pipeline.defs.usage.frames import event_frames
    from mission_pipeline.openclaw.problems import ProblemLog
    from mission_pipeline.openclaw.usage import read_usage_events

    lo, hi = _window(first, last)
    events = read_usage_events(Path(state), start=lo, end=hi, problems=ProblemLog(base=Path(state)))
    return list(event_frames(events))


@task
def ledger_write(state: str, first: str, last: str, db_url: str, repeats: int = 1) -> dict[str, Any]:
    """The IO manager's write of the ledger's rows (read beforehand, untimed) into an empty table, then
    the same rows again (the daily rerun: every row unchanged); `repeats` times, table emptied between."""
    warnings.simplefilter("ignore")
    import dagster as dg
    import pandas as pd

    from mission_pipeline.defs.usage.ledger import openclaw_usage_events
    from mission_pipeline.warehouse import io_manager, staging, writes
    from mission_pipeline.warehouse.catalog import describe_table
    from mission_pipeline.warehouse.database import DatabaseTarget
    from mission_pipeline.warehouse.table_output import TableOutput
    from mission_pipeline.warehouse.write_spec import WriteSpec

    frames = _ledger_frames(state, first, last)
    rows = sum(len(f) for f in frames)
    spent = _time_calls(
        (staging, "_prepared"),  # values made COPY-safe (client)
        (pd.DataFrame, "to_csv"),  # CSV rendering (client)
        (staging, "_copy_chunk"),  # both of those, plus COPY into the stage (server)
        (writes, "check_unique_keys"),
        (writes, "upsert"),
    )
    metadata = openclaw_usage_events.metadata_by_key[dg.AssetKey("openclaw_usage_events")]
    spec = WriteSpec.from_metadata(metadata, asset="openclaw_usage_events")
    lo, hi = _window(first, last)
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
                counts, staged = io_manager._write(
                    conn, table, spec, writes.Window("occurred_at", lo, hi), TableOutput(chunks=frames)
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
    out["rewrite_seconds"] = min(r["rewrite"]["seconds"] for r in out["runs"])
    return out


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


@task
def copy_reference(
    state: str, first: str, last: str, db_url: str, csv_path: str, repeats: int = 1
) -> dict[str, Any]:
    """PostgreSQL's own `COPY ... FROM STDIN (FORMAT csv)` of the same ledger rows into the same (empty)
    table; `repeats` times, emptied between."""
    from mission_pipeline.openclaw.usage import USAGE_EVENT_COLUMNS
    from mission_pipeline.warehouse.database import DatabaseTarget

    frames = _ledger_frames(state, first, last)
    rows = 0
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        for frame in frames:
            frame.to_csv(handle, index=False, header=False, na_rep="\\N")
            rows += len(frame)
    del frames
    columns = ", ".join(USAGE_EVENT_COLUMNS)
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


@task
def duckdb_reference(state: str, threads: int | None = None) -> dict[str, Any]:
    """DuckDB's `read_json` over the same JSONL transcripts (live, .reset, .deleted), summed per agent/day."""
    import duckdb

    conn = duckdb.connect()
    if threads:
        conn.execute(f"SET threads = {int(threads)}")
    base = Path(state) / "agents"
    # Transcripts are <uuid>.jsonl (never *.trajectory.jsonl: a uuid ends in a hex digit) and archives.
    globs = [
        f"{base}/*/sessions/*[0-9a-f].jsonl",
        f"{base}/*/sessions/*.jsonl.reset.*",
        f"{base}/*/sessions/*.jsonl.deleted.*",
    ]
    globs = [g for g in globs if conn.execute("SELECT count(*) FROM glob(?)", [g]).fetchone()[0]]  # type: ignore[index]
    usage = (
        "STRUCT(input BIGINT, output BIGINT, cacheRead BIGINT, cacheWrite BIGINT, cost STRUCT(total DOUBLE))"
    )
    sql = f"""
        SELECT split_part(filename, '/', -3) AS agent, substr("timestamp", 1, 10) AS day, count(*),
               sum(message.usage.input), sum(message.usage.output), sum(message.usage.cacheRead),
               sum(message.usage.cacheWrite), sum(message.usage.cost.total)
        FROM read_json($files, format = 'newline_delimited', filename = true, compression = 'none',
                       columns = {{'type': 'VARCHAR', 'timestamp': 'VARCHAR',
                                   'message': 'STRUCT(role VARCHAR, provider VARCHAR, usage {usage})'}})
        WHERE type = 'message' AND message.role = 'assistant'
          AND coalesce(message.provider, '') <> 'openclaw'
          AND message.usage.input + message.usage.output
              + message.usage.cacheRead + message.usage.cacheWrite > 0
        GROUP BY ALL
    """
    started = time.perf_counter()
    rows = conn.execute(sql, {"files": globs}).fetchall()
    seconds = time.perf_counter() - started
    threads_used = conn.execute("SELECT current_setting('threads')").fetchone()[0]  # type: ignore[index]
    return {"seconds": seconds, "totals": _sums(rows), "threads": threads_used, "version": duckdb.__version__}


@task
def sqlite_reference(db: str) -> dict[str, Any]:
    """`SQLITE3_SQL` through Python's sqlite3 module: the reference where no sqlite3 CLI is installed."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        rows = conn.execute(SQLITE3_SQL.rstrip(";")).fetchall()
        seconds = time.perf_counter() - started
    finally:
        conn.close()
    return {"seconds": seconds, "rows": [list(r) for r in rows]}


@task
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


def _peak_rss_self() -> int | None:
    """This process's own high-water RSS in bytes (`VmHWM`): unlike `ru_maxrss` it does not carry the
    RSS of the parent we were forked from across `exec`."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def child_main(argv: Sequence[str]) -> None:
    name, args = argv[0], json.loads(argv[1])
    out = TASKS[name](**args)
    out["peak_rss"] = _peak_rss_self()
    sys.stdout.write("\n" + RESULT + json.dumps(out) + "\n")
    sys.stdout.flush()


# --- the parent side ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One measured run: the child's figures, the wall time and its own peak RSS."""

    name: str
    data: dict[str, Any]
    wall: float
    max_rss: int  # bytes
    ok: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return float(self.data.get("seconds", self.wall))


class ChildFailed(RuntimeError):
    pass


def run_child(
    name: str, args: dict[str, Any], *, env: dict[str, str] | None = None, log: Path | None = None
) -> Outcome:
    """Run one task in a fresh interpreter; its rusage (peak RSS) is its own."""
    cmd = [sys.executable, "-m", "mission_pipeline.bench.measure", name, json.dumps(args)]
    return _run(name, cmd, env=env, log=log, child=True)


def run_command(name: str, cmd: list[str], *, log: Path | None = None, rss: bool = False) -> Outcome:
    """Run an external reference command; its output is counted (lines, bytes), not kept. With `rss`,
    under GNU time for its own peak RSS (a run for the figure, not for the time: time's fork costs)."""
    return _run(name, cmd, env=None, log=log, child=False, rss=rss)


def _run(
    name: str, cmd: list[str], *, env: dict[str, str] | None, log: Path | None, child: bool, rss: bool = False
) -> Outcome:
    err = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    # ru_maxrss keeps the RSS the child had before exec (a copy of ours): an external command's own peak
    # comes from GNU time, which forks it from its own small process, when installed.
    rss_file = None
    if rss and not child and Path("/usr/bin/time").exists():
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file, *cmd]
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env)
        assert proc.stdout is not None
        lines = 0
        size = 0
        result_line = b""
        for raw in proc.stdout:
            lines += 1
            size += len(raw)
            if child and raw.startswith(RESULT.encode()):
                result_line = raw
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            err.close()  # type: ignore[union-attr]
    code = proc.returncode
    if code != 0:
        raise ChildFailed(f"{name}: exit {code} ({' '.join(cmd[:4])} …); see {log}")
    data = json.loads(result_line[len(RESULT) :]) if child else {"lines": lines, "bytes": size}
    peak = usage.ru_maxrss * 1024
    if child and data.get("peak_rss"):
        peak = int(data["peak_rss"])
    elif rss_file:
        try:
            peak = int(Path(rss_file).read_text().split()[-1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        finally:
            os.unlink(rss_file)
    return Outcome(name, data, wall, peak)


def child_env(
    state: Path, db_url: str, first_day: date, data_dir: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment a deployment gives the pipeline: Postgres URL, state dir, partitions' first day."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SUPABASE_", "OPENCLAW_", "MISSION_PIPELINE_", "USAGE_", "DAGSTER_"))
    }
    env.update(
        SUPABASE_DB_URL=db_url,
        OPENCLAW_STATE_DIR=str(state),
        OPENCLAW_CLI="off",
        MISSION_PIPELINE_ENV="development",
        MISSION_PIPELINE_DATA_DIR=str(data_dir),
        USAGE_START_DATE=first_day.isoformat(),
        USAGE_TIMEZONE="UTC",
        DAGSTER_HOME=str(data_dir / "dagster"),
        PYTHONWARNINGS="ignore",
    )
    (data_dir / "dagster").mkdir(parents=True, exist_ok=True)
    env.update(extra or {})
    return env


class Warehouse:
    """The embedded PostgreSQL, one migrated template, and a fresh database per measurement."""

    TEMPLATE = "bench_template"

    def __init__(self, pgdata: Path) -> None:
        from mission_pipeline.warehouse.database import DatabaseTarget
        from mission_pipeline.warehouse.embedded import start_embedded_postgres
        from mission_pipeline.warehouse.migrations import apply_migrations

        self.pgdata = pgdata
        self.url = start_embedded_postgres(pgdata)
        self._count = 0
        self.execute(f"drop database if exists {self.TEMPLATE} with (force)")
        self.execute(f"create database {self.TEMPLATE}")
        apply_migrations(DatabaseTarget.from_url(self.database_url(self.TEMPLATE)))
        self.version = self.query("show server_version")[0][0]

    def database_url(self, name: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(statement)

    def query(self, statement: str, params: Any = None, *, url: str | None = None) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(url or self.url, autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def fresh(self) -> str:
        """A new database holding every migration and no rows."""
        self._count += 1
        name = f"bench_{os.getpid()}_{self._count}"
        self.execute(f"create database {name} template {self.TEMPLATE}")
        return self.database_url(name)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        self.execute(f"drop database if exists {name} with (force)")

    def ledger_totals(self, url: str) -> dict[str, dict[str, list[float]]]:
        rows = self.query(
            "select agent_id, (occurred_at at time zone 'UTC')::date::text, count(*), sum(input_tokens),"
            " sum(output_tokens), sum(cache_read_tokens), sum(cache_write_tokens), sum(recorded_cost_usd)"
            " from openclaw_usage_events group by 1, 2",
            url=url,
        )
        return _sums(rows)

    def usage_totals(self, url: str) -> dict[str, dict[str, list[float]]]:
        rows = self.query(
            "select agent_id, date::text, message_count, input_tokens, output_tokens, cache_read_tokens,"
            " cache_write_tokens, 0 from agent_usage",
            url=url,
        )
        return _sums(rows)

    def stop(self) -> None:
        from mission_pipeline.warehouse.embedded import stop_embedded_postgres

        stop_embedded_postgres(self.pgdata)


def compare(
    got: dict[str, dict[str, list[float]]], expected: dict[str, dict[str, list[float]]], *, cost: bool = True
) -> list[str]:
    """Cells (agent, day) whose calls or tokens (and cost, to 1e-6) differ; empty when all agree."""
    bad = []
    for agent in sorted(set(got) | set(expected)):
        for day in sorted(set(got.get(agent, {})) | set(expected.get(agent, {}))):
            g = got.get(agent, {}).get(day, [0, 0, 0, 0, 0, 0.0])
            e = expected.get(agent, {}).get(day, [0, 0, 0, 0, 0, 0.0])
            if [int(x) for x in g[:5]] != [int(x) for x in e[:5]] or (cost and abs(g[5] - e[5]) > 1e-6):
                bad.append(f"{agent} {day}: got {g[:5]} expected {e[:5]}")
    return bad


def restrict_totals(
    totals: dict[str, dict[str, list[float]]], first: str, last: str
) -> dict[str, dict[str, list[float]]]:
    return {
        a: {d: r for d, r in days.items() if first <= d <= last}
        for a, days in totals.items()
        if any(first <= d <= last for d in days)
    }


if __name__ == "__main__":
    child_main(sys.argv[1:])
