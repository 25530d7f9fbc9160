"""Measurements, each in a child process of its own so that times and peak RSS never mix.

The parent (`runner`) starts `python -m benchmarks.measure TASK ARGS_JSON`, reads the
child's result line, and collects the child's own rusage with `os.wait4` (peak RSS of that process
alone). Times are taken inside the child around the measured call only (imports and setup excluded),
except for the external reference commands (`find`, `sqlite3`, `ccusage`), timed around the process.

Every task runs the pipeline's real code: the real Dagster job (`usage_job`) through
`execute_in_process` with the environment a deployment uses, or the real reader
(`read_usage_events`), IO-manager write (`io_manager._write`, what `handle_output` runs inside its
transaction) and workspace scanner (`scan_workspace`).

* Child side: `child` (the result protocol), `pipeline_tasks` (job, reader, scan), `ledger_tasks`
  (IO-manager write and PostgreSQL's COPY), `reference_tasks` (DuckDB, sqlite3).
* Parent side: `runner` (starting children and commands), `environment` (a deployment's variables),
  `warehouse` (the embedded PostgreSQL), `totals` (comparing per agent and day), `ccusage_cli`
  (ccusage's command line and its report as totals).
"""
