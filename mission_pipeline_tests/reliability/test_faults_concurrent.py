"""Two runs of the same usage day at once (a backfill overlapping the schedule) end as one run would.

Each round starts two real `usage_job` runs (separate processes) on the same database, the second a
random moment after the first: either both for the day, or a three-day backfill (one run for the
range, as the backfill policy makes it) and the single day. Both must succeed and every usage table
must then equal, row for row, its state after one run alone. Whether the runs really overlapped is
read from pg_stat_activity: a backend waiting on the per-table advisory lock.

Default 6 rounds; MISSION_PIPELINE_FULL_RELIABILITY=1: 20.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import Any

import psycopg

from mission_pipeline_tests.reliability.conftest import BulkStates
from mission_pipeline_tests.reliability.harness import (
    APP,
    SLOW_AT_FULL_SIZE,
    Zygote,
    create_database,
    drop_database,
    record,
    size,
    table_digests,
    with_database,
)

pytestmark = SLOW_AT_FULL_SIZE

_LOCK_WAITS = """
select count(*) from pg_stat_activity
where datname = %s and application_name = %s and wait_event_type = 'Lock' and wait_event = 'advisory'
"""


def test_two_runs_of_one_day_at_the_same_time_equal_one_run(
    pg_server_url: str, migrated_template: str, bulk_states: BulkStates, zygote: Zygote
) -> None:
    rounds = size(6, 20)
    rng = random.Random(int(os.environ.get("MISSION_PIPELINE_RELIABILITY_SEED", "5")))
    day = bulk_states.day
    before = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    after = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    new_state = {"OPENCLAW_STATE_DIR": str(bulk_states.new)}
    created: list[str] = []

    def fresh(template: str) -> tuple[str, str]:
        name = create_database(pg_server_url, template=template)
        created.append(name)
        return name, with_database(pg_server_url, name)

    def run_alone(url: str, state: str) -> float:
        child = zygote.spawn([day], {"SUPABASE_DB_URL": url, "OPENCLAW_STATE_DIR": state})
        assert zygote.wait(child) == 0, child.log.read_text()[-3000:]
        assert child.ended is not None
        return child.ended - child.started

    outcomes: list[dict[str, Any]] = []
    try:
        prev_db, prev_url = fresh(migrated_template)
        run_alone(prev_url, str(bulk_states.previous))
        _ref_db, ref_url = fresh(prev_db)
        alone = run_alone(ref_url, str(bulk_states.new))
        one_run = table_digests(ref_url)

        with psycopg.connect(with_database(pg_server_url, "postgres"), autocommit=True) as monitor:
            for i in range(rounds):
                name, url = fresh(prev_db)
                backfill = i % 2 == 1
                first_argv = [before, after] if backfill else [day]
                stagger = rng.uniform(0, alone * 0.6)
                first = zygote.spawn(first_argv, {"SUPABASE_DB_URL": url, **new_state})
                waited = 0
                while time.monotonic() - first.started < stagger:
                    waited = max(waited, monitor.execute(_LOCK_WAITS, (name, APP)).fetchone()[0])  # type: ignore[index]
                    time.sleep(0.005)
                second = zygote.spawn([day], {"SUPABASE_DB_URL": url, **new_state})
                while not (zygote.done(first) and zygote.done(second)):
                    waited = max(waited, monitor.execute(_LOCK_WAITS, (name, APP)).fetchone()[0])  # type: ignore[index]
                    time.sleep(0.005)
                codes = (zygote.wait(first), zygote.wait(second))
                assert first.ended is not None and second.ended is not None
                overlap = min(first.ended, second.ended) - max(first.started, second.started)
                final = table_digests(url)
                outcomes.append(
                    {
                        "pair": f"backfill {before}..{after} + day {day}" if backfill else "day + day",
                        "second_started_after_s": round(stagger, 3),
                        "overlap_s": round(overlap, 3),
                        "lock_waits_seen": waited,
                        "exit_codes": codes,
                        "equals_one_run": final == one_run,
                        "differs": [t for t in final if final[t] != one_run[t]],
                    }
                )
                assert codes == (0, 0), (first.log.read_text()[-2000:], second.log.read_text()[-2000:])
                drop_database(pg_server_url, name)
                created.remove(name)
    finally:
        for name in created:
            drop_database(pg_server_url, name)

    held = [o for o in outcomes if o["equals_one_run"] and o["exit_codes"] == (0, 0)]
    serialized = [o for o in outcomes if o["lock_waits_seen"]]
    record(
        "faults_concurrent_runs",
        f"{len(outcomes)} tried, {len(held)} held ({len(serialized)} rounds seen waiting on the table lock; "
        f"{bulk_states.calls_new} calls)",
        {
            "rounds": len(outcomes),
            "held": len(held),
            "rounds_with_lock_wait": len(serialized),
            "one_run_seconds": round(alone, 2),
            "rows": {t: one_run[t][0] for t in one_run},
            "outcomes": outcomes,
        },
    )
    assert len(held) == len(outcomes), [o for o in outcomes if not o["equals_one_run"]]
    assert all(o["overlap_s"] > 0 for o in outcomes), "the two runs of a round must overlap in time"
