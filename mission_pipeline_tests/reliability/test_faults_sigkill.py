"""SIGKILL at random points of a partition write: the tables hold the previous or the new day, never a mix.

A real `usage_job` run (a forked process, see zygote.py) writes the new version of a large day over
the previous one; it is killed at a random moment. Afterwards every usage table must equal, row for
row, either its state after the previous run or its state after a complete new run, and the next
run must complete and leave exactly the new state. Where each kill landed (which table's write
transaction, which statement) is read from pg_stat_activity and pg_locks just before the kill.

Default 20 kills; MISSION_PIPELINE_FULL_RELIABILITY=1: 100 kills on a larger day.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import statistics
import time
from collections import Counter
from typing import Any

import psycopg

from mission_pipeline_tests.reliability.conftest import BulkStates
from mission_pipeline_tests.reliability.harness import (
    APP,
    SLOW_AT_FULL_SIZE,
    USAGE_TABLES,
    Child,
    Zygote,
    classify,
    create_database,
    drop_database,
    record,
    size,
    statement_kind,
    table_digests,
    wait_backends_gone,
    with_database,
    write_activity,
)

pytestmark = SLOW_AT_FULL_SIZE
LEDGER = "openclaw_usage_events"


def _landing(activity: list[dict[str, Any]]) -> tuple[bool, str]:
    """(inside a write transaction, where) for the backends seen just before the kill."""
    for backend in activity:
        if backend["table"]:
            kind = statement_kind(backend["query"])
            if backend["state"] == "idle in transaction":
                # Between statements: Python is producing the next rows (for the ledger: reading
                # transcripts into the next chunk) while the transaction stays open.
                return True, f"{backend['table']}: between statements, after {kind}"
            return True, f"{backend['table']}: during {kind}"
    for backend in activity:
        if backend["in_transaction"] and statement_kind(backend["query"]) == "table lock":
            return True, "waiting for the table lock (another writer holds it)"
        if backend["state"] == "idle in transaction":
            return True, f"transaction before the table lock: after {statement_kind(backend['query'])}"
    if activity:
        return False, "outside: a read (aggregate or catalog query)"
    return False, "outside: no database work (run setup, between steps)"


def _timeline(
    zygote: Zygote, url: str, database: str, state: str, day: str
) -> tuple[float, dict[str, float]]:
    """Run once while sampling; (run seconds, seconds each table's write transaction lasted)."""
    child = zygote.spawn([day], {"SUPABASE_DB_URL": url, "OPENCLAW_STATE_DIR": state})
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as monitor:
        while not zygote.done(child):
            now = time.monotonic() - child.started
            for backend in write_activity(monitor, database):
                if backend["table"]:
                    first.setdefault(backend["table"], now)
                    last[backend["table"]] = now
            time.sleep(0.01)
    assert zygote.wait(child) == 0, child.log.read_text()[-3000:]
    assert child.ended is not None
    return child.ended - child.started, {t: last[t] - first[t] for t in first}


def _plans(n: int, rng: random.Random) -> list[tuple[str, float]]:
    """Half the kills at stratified random fractions of the whole run; the other half once the run is
    seen inside a given table's write transaction (tables in turn), after a random part of it."""
    timed = n - n // 2
    plans = [("", (i + rng.random()) / timed) for i in range(timed)]
    plans += [(USAGE_TABLES[i % len(USAGE_TABLES)], rng.random()) for i in range(n // 2)]
    rng.shuffle(plans)
    return plans


def _hold_table_lock(url: str, table: str) -> psycopg.Connection[Any]:
    """A connection holding `table`'s write lock, as another run of the pipeline would."""
    gate = psycopg.connect(url, autocommit=True)
    gate.execute("select pg_advisory_lock(hashtextextended(%s, 0))", (f"mission-pipeline:public.{table}",))
    return gate


def _wait_blocked(monitor: psycopg.Connection[Any], zygote: Zygote, child: Child, database: str) -> bool:
    """Poll until the run waits for a table lock; False if the run ended first."""
    while not zygote.done(child):
        row = monitor.execute(_WAITING, (database, APP)).fetchone()
        if row and row[0]:
            return True
        time.sleep(0.002)
    return False


_WAITING = """
select count(*) from pg_stat_activity
where datname = %s and application_name = %s and wait_event_type = 'Lock' and wait_event = 'advisory'
"""
# After its table lock, a rollup's transaction (a few dozen rows: stage, COPY, check, delete, upsert,
# commit) takes a few milliseconds; kills aimed at it fall within this long after the lock is released.
ROLLUP_SPREAD_S = 0.01


def _wait_for_table(
    monitor: psycopg.Connection[Any], zygote: Zygote, child: Child, database: str, table: str
) -> bool:
    """Poll until the run holds `table`'s write lock; False if the run ended first."""
    while not zygote.done(child):
        if any(b["table"] == table for b in write_activity(monitor, database)):
            return True
        time.sleep(0.001)
    return False


def test_sigkill_during_a_partition_write_leaves_previous_or_new_never_a_mix(
    pg_server_url: str, migrated_template: str, bulk_states: BulkStates, zygote: Zygote
) -> None:
    kills = size(20, 100)
    seed = int(os.environ.get("MISSION_PIPELINE_RELIABILITY_SEED", "5"))
    rng = random.Random(seed)
    day = bulk_states.day
    created: list[str] = []

    def fresh(template: str) -> tuple[str, str]:
        name = create_database(pg_server_url, template=template)
        created.append(name)
        return name, with_database(pg_server_url, name)

    def run_to_end(url: str, state: str) -> float:
        child = zygote.spawn([day], {"SUPABASE_DB_URL": url, "OPENCLAW_STATE_DIR": str(state)})
        assert zygote.wait(child) == 0, child.log.read_text()[-3000:]
        assert child.ended is not None
        return child.ended - child.started

    try:
        # The two states a kill may leave: the previous day, and the new day written over it.
        prev_db, prev_url = fresh(migrated_template)
        run_to_end(prev_url, str(bulk_states.previous))
        previous = table_digests(prev_url)
        ref_db, ref_url = fresh(prev_db)
        total, durations = _timeline(zygote, ref_url, ref_db, str(bulk_states.new), day)
        new = table_digests(ref_url)
        assert all(previous[t] != new[t] for t in new), "the new day must change every table"
        drop_database(pg_server_url, ref_db)

        outcomes: list[dict[str, Any]] = []
        combos: Counter[str] = Counter()
        with psycopg.connect(with_database(pg_server_url, "postgres"), autocommit=True) as monitor:
            # Run times drift with the machine's load: aim with the latest complete runs, not the
            # (sampled, so slower) calibration run alone.
            recent = [total]
            for table, fraction in _plans(kills, rng):
                estimate = statistics.median(recent[-5:])
                name, url = fresh(prev_db)
                # A rollup's transaction lasts milliseconds, below what polling can catch: hold its
                # table lock as a concurrent run would, let the run queue on it inside its
                # transaction, release, and kill a random few milliseconds later.
                gate = _hold_table_lock(url, table) if table and table != LEDGER else None
                child = zygote.spawn(
                    [day], {"SUPABASE_DB_URL": url, "OPENCLAW_STATE_DIR": str(bulk_states.new)}
                )
                if not table:
                    time.sleep(max(0.0, child.started + fraction * estimate - time.monotonic()))
                elif gate is not None:
                    blocked = _wait_blocked(monitor, zygote, child, name)
                    gate.close()  # releases the lock
                    if blocked:
                        time.sleep(fraction * ROLLUP_SPREAD_S)
                elif _wait_for_table(monitor, zygote, child, name, table):
                    time.sleep(fraction * durations.get(table, 0.0) * estimate / total)
                delay = time.monotonic() - child.started
                activity = write_activity(monitor, name)
                finished_first = zygote.done(child)
                with contextlib.suppress(ProcessLookupError):  # it ended (and was reaped) already
                    os.kill(child.pid, signal.SIGKILL)
                code = zygote.wait(child)
                inside, where = _landing(activity)
                if code != -signal.SIGKILL or finished_first:
                    inside, where = False, "after the run had ended"
                rollback = wait_backends_gone(monitor, name)
                state = classify(table_digests(url), previous=previous, new=new)
                written = next((t for t in USAGE_TABLES if where.startswith(f"{t}: ")), None)
                if inside and written and state[written] == "new":
                    # Sampled inside, but the commit won the race with the kill (a rollup's
                    # transaction lasts milliseconds): not counted as a kill inside.
                    inside, where = False, f"{written}: committed between the sample and the kill"
                combos[", ".join(f"{t}={s}" for t, s in state.items())] += 1
                next_run = run_to_end(url, str(bulk_states.new))
                recent.append(next_run)
                after = table_digests(url)
                outcomes.append(
                    {
                        "aimed_at": f"{table} write transaction" if table else "a random moment",
                        "delay_s": round(delay, 3),
                        "inside_write_transaction": inside,
                        "landed": where,
                        "tables_after_kill": state,
                        "backend_gone_after_s": round(rollback, 3),
                        "next_run_s": round(next_run, 2),
                        "next_run_equals_new": after == new,
                    }
                )
                drop_database(pg_server_url, name)
                created.remove(name)
    finally:
        for name in created:
            drop_database(pg_server_url, name)

    held = [
        o for o in outcomes if "MIXED" not in o["tables_after_kill"].values() and o["next_run_equals_new"]
    ]
    in_transaction = [o for o in outcomes if o["inside_write_transaction"]]
    landings = Counter(o["landed"] for o in outcomes)
    record(
        "faults_sigkill",
        f"{len(outcomes)} tried, {len(held)} held ({len(in_transaction)} killed inside a write transaction; "
        f"day of {bulk_states.calls_new} calls, run {total:.1f} s)",
        {
            "kills": len(outcomes),
            "held": len(held),
            "inside_write_transaction": len(in_transaction),
            "landed": dict(landings.most_common()),
            "table_states_after_kill": dict(combos.most_common()),
            "calls_previous": bulk_states.calls_previous,
            "calls_new": bulk_states.calls_new,
            "run_seconds": round(total, 2),
            "write_transaction_seconds": {t: round(d, 3) for t, d in durations.items()},
            "rows": {t: {"previous": previous[t][0], "new": new[t][0]} for t in new},
            "seed": seed,
            "outcomes": outcomes,
        },
    )
    mixed = [o for o in outcomes if "MIXED" in o["tables_after_kill"].values()]
    assert not mixed, mixed
    assert all(o["next_run_equals_new"] for o in outcomes)
    assert len(in_transaction) >= kills // 3, f"only {len(in_transaction)} of {kills} kills hit a write"
