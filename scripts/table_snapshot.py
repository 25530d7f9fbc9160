"""Every table's rows after `mission-pipeline run` on both OpenClaw sample eras, to compare two checkouts.

A refactoring must leave the tables as they were. Run this on the old checkout and on the new one,
then compare (the script may be run by the old checkout's Python: it reads the samples from its own):

    /old/checkout/.venv/bin/python scripts/table_snapshot.py before.json
    .venv/bin/python scripts/table_snapshot.py after.json
    .venv/bin/python scripts/table_snapshot.py --compare before.json after.json

A migration that adds a column with a default compares with `--added-column gateway_id=default`: the
column must hold that value in every row of the new snapshot that has it, and is then set aside.

Each era's state is copied to the same place every time (workspace paths are part of the rows) into
a fresh embedded database; `created_at` and `updated_at`, stamped by the write itself, are left out
of the comparison. The run covers the usage days up to today, as `mission-pipeline run` does.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

from mission_pipeline.openclaw.relocate import copy_state_dir
from mission_pipeline.warehouse.embedded import embedded_postgres_url, stop_embedded_postgres

REPO = Path(__file__).resolve().parents[1]
# The state directories OpenClaw wrote, read from this checkout whichever checkout's code runs.
SAMPLES = {
    "v2026.5.28": REPO / "mission_pipeline_tests" / "data" / "openclaw-samples" / "v2026.5.28" / "state",
    "v2026.9.6": REPO / "mission_pipeline" / "sample" / "openclaw-state",
}
STATES = Path(tempfile.gettempdir()) / "mission-pipeline-table-snapshot"
WRITE_STAMPS = {"created_at", "updated_at"}
_SETUP_PREFIXES = ("SUPABASE", "DAGSTER", "OPENCLAW", "MISSION")
_PUBLIC_TABLES = (
    "select table_name from information_schema.tables"
    " where table_schema = 'public' and table_type = 'BASE TABLE' order by 1"
)


def _run_era(era: str, work: Path) -> dict[str, list[str]]:
    """`mission-pipeline run` on the era's sample; each public table's rows as sorted JSON lines."""
    state = STATES / era
    shutil.rmtree(state, ignore_errors=True)
    copy_state_dir(SAMPLES[era], state)
    # Nothing of the caller's setup: the embedded database in `work`, the copied state, no CLI.
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SETUP_PREFIXES)}
    env.update(MISSION_PIPELINE_DATA_DIR=str(work), OPENCLAW_STATE_DIR=str(state), OPENCLAW_CLI="off")
    command = [str(Path(sys.executable).with_name("mission-pipeline")), "run"]
    run = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"{era}: mission-pipeline run failed\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
    pgdata = work / "postgres"
    url = embedded_postgres_url(pgdata)  # the run leaves its embedded server running
    if url is None:
        raise SystemExit(f"{era}: the embedded database in {pgdata} is not running")
    tables: dict[str, list[str]] = {}
    try:
        with psycopg.connect(url) as conn:
            for (table,) in conn.execute(_PUBLIC_TABLES).fetchall():
                cursor = conn.execute(sql.SQL("select * from {}").format(sql.Identifier("public", table)))
                names = [d.name for d in cursor.description or []]
                rows = (dict(zip(names, row, strict=True)) for row in cursor.fetchall())
                tables[table] = sorted(json.dumps(r, default=str, sort_keys=True) for r in rows)
    finally:
        stop_embedded_postgres(pgdata)
    return tables


def snapshot(out: Path) -> None:
    result = {}
    for era in SAMPLES:
        with tempfile.TemporaryDirectory(prefix=f"snapshot-{era}-") as work:
            result[era] = _run_era(era, Path(work))
        print(era, {table: len(rows) for table, rows in result[era].items()})
    out.write_text(json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")


def _without_stamps(rows: list[str]) -> list[str]:
    stripped = ({k: v for k, v in json.loads(r).items() if k not in WRITE_STAMPS} for r in rows)
    return sorted(json.dumps(r, sort_keys=True) for r in stripped)


def _without_added(rows: list[str], added: dict[str, str]) -> tuple[list[str], list[str]]:
    """The rows without the added columns, and which added columns a row of them holds (with its value)."""
    kept, seen = [], set()
    for line in rows:
        row = json.loads(line)
        for column, value in added.items():
            if column in row:
                # A value other than the expected one stays in the row, so the tables compare DIFFERENT.
                if str(row[column]) == value:
                    del row[column]
                seen.add(f"{column} = {value!r}")
        kept.append(json.dumps(row, sort_keys=True))
    return sorted(kept), sorted(seen)


def compare(before_path: Path, after_path: Path, added: dict[str, str] | None = None) -> bool:
    """Print one line per era and table; True when every table holds the same rows."""
    before, after = (json.loads(p.read_text(encoding="utf-8")) for p in (before_path, after_path))
    same = True
    for era in sorted(set(before) | set(after)):
        old, new = before.get(era, {}), after.get(era, {})
        for table in sorted(set(old) | set(new)):
            rows_before = _without_stamps(old.get(table, []))
            rows_after, extra = _without_added(_without_stamps(new.get(table, [])), added or {})
            verdict = "identical" if rows_before == rows_after else "DIFFERENT"
            if extra and rows_before == rows_after:
                verdict += f" (+ {', '.join(extra)} in every row)"
            same &= rows_before == rows_after
            print(f"| {era} | {table} | {len(rows_before)} | {len(rows_after)} | {verdict} |")
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="OUT.json, or BEFORE.json AFTER.json")
    parser.add_argument("--compare", action="store_true", help="compare two snapshots")
    parser.add_argument(
        "--added-column",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a column only AFTER has, holding VALUE in every row (repeatable)",
    )
    args = parser.parse_args()
    if args.compare:
        if len(args.files) != 2:
            parser.error("--compare takes BEFORE.json AFTER.json")
        if any("=" not in item for item in args.added_column):
            parser.error("--added-column takes NAME=VALUE")
        added = dict(item.split("=", 1) for item in args.added_column)
        before, after = args.files
        return 0 if compare(before, after, added=added) else 1
    snapshot(args.files[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
