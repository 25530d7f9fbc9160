"""The database unreachable or restarted mid-run, on a PostgreSQL server of the test's own.

Real `usage_job` runs (forked processes whose import saw DB_RETRY_DELAY_SECONDS=1, so the retry
policy waits about 1, 3 and 7 s instead of 5, 15 and 35 s) against a password login:

* down for good (from the start, or from the middle of the ledger write): the steps retry with
  growing waits, then the run fails with a message naming the target, never its password; the day
  written before is intact, row for row;
* down at the start and back during the retries: the run succeeds and writes the new day exactly;
* restarted (fast shutdown) or crashed (immediate shutdown, crash recovery) in the middle of the
  ledger write: the run succeeds after a retry and writes the new day exactly.

Default one run per case; MISSION_PIPELINE_FULL_RELIABILITY=1: three.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

import psycopg

from mission_pipeline.redaction import describe_target
from mission_pipeline_tests.reliability.conftest import PASSWORD, ROLE, BulkStates, ZygoteFactory
from mission_pipeline_tests.reliability.harness import (
    REPO,
    SLOW_AT_FULL_SIZE,
    Child,
    OwnServer,
    Zygote,
    create_database,
    drop_database,
    record,
    size,
    subprocess_env,
    table_digests,
    with_database,
    write_activity,
)

pytestmark = SLOW_AT_FULL_SIZE
RETRY_DELAY = 1.0


def _secret_forms() -> list[str]:
    return sorted({PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD)})


def _wait_until(condition: Callable[[], bool], child: Child, zygote: Zygote, timeout: float = 120) -> bool:
    """Poll `condition` until true; False if the run ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if zygote.done(child):
            return False
        time.sleep(0.002)
    raise AssertionError("timed out waiting for the run")


def _retried(child: Child) -> Callable[[], bool]:
    """True once the run has logged its first retry."""
    return lambda: "STEP_UP_FOR_RETRY" in child.log_text()


def test_database_outages_retry_then_fail_clearly_or_recover(
    own_server: OwnServer, start_zygote: ZygoteFactory, bulk_states: BulkStates
) -> None:
    server = own_server
    if not server.running():
        server.start()
    repeats = size(1, 3)
    day = bulk_states.day
    admin = server.url
    created: list[str] = []

    def fresh(template: str | None = None) -> tuple[str, str, str]:
        """(name, admin URL, the pipeline's URL with the password)."""
        name = create_database(admin, template=template)
        created.append(name)
        return name, with_database(admin, name), server.role_url(ROLE, PASSWORD, name)

    cases: list[dict[str, Any]] = []
    with start_zygote(DB_RETRY_DELAY_SECONDS=str(RETRY_DELAY)) as zygote:

        def run(url: str, state: str) -> Child:
            return zygote.spawn([day], {"SUPABASE_DB_URL": url, "OPENCLAW_STATE_DIR": state})

        def finish(child: Child) -> dict[str, Any]:
            zygote.wait(child, timeout=300)
            result = child.result()
            assert result is not None, child.log_text()[-3000:]
            result["log_text"] = child.log_text()
            return result

        try:
            # Reference states: the previous day, then the new day written over it.
            prev_db, prev_admin, prev_url = fresh()
            assert finish(run(prev_url, str(bulk_states.previous)))["success"]
            previous = table_digests(prev_admin)
            _ref_db, ref_admin, ref_url = fresh(prev_db)
            assert finish(run(ref_url, str(bulk_states.new)))["success"]
            new = table_digests(ref_admin)

            def in_ledger_write(name: str) -> Callable[[], bool]:
                def check() -> bool:
                    with psycopg.connect(with_database(admin, "postgres"), autocommit=True) as conn:
                        return any(
                            b["table"] == "openclaw_usage_events" and b["state"] == "active"
                            for b in write_activity(conn, name)
                        )

                return check

            for _ in range(repeats):
                # 1. Down from the start, for good.
                name, db_admin, url = fresh(prev_db)
                server.stop()
                result = finish(run(url, str(bulk_states.new)))
                server.start()
                cases.append(_case("down for the whole run", result, db_admin, previous, new, url))

                # 2. Down from the middle of the ledger write, for good.
                name, db_admin, url = fresh(prev_db)
                child = run(url, str(bulk_states.new))
                landed = _wait_until(in_ledger_write(name), child, zygote)
                server.stop()
                result = finish(child)
                server.start()
                cases.append(
                    _case(
                        "down from mid-write, for good", result, db_admin, previous, new, url, landed=landed
                    )
                )

                # 3. Down at the start, back during the retries.
                name, db_admin, url = fresh(prev_db)
                server.stop()
                child = run(url, str(bulk_states.new))
                _wait_until(_retried(child), child, zygote)
                restart = server.start()
                result = finish(child)
                cases.append(
                    _case(
                        "down at start, back during retries",
                        result,
                        db_admin,
                        previous,
                        new,
                        url,
                        restart=restart,
                    )
                )

                # 4./5. Restarted, or crashed, while the ledger write is in progress.
                for mode, label in (("fast", "restarted mid-write"), ("immediate", "crashed mid-write")):
                    name, db_admin, url = fresh(prev_db)
                    child = run(url, str(bulk_states.new))
                    landed = _wait_until(in_ledger_write(name), child, zygote)
                    outage = server.stop(mode) + server.start()
                    result = finish(child)
                    cases.append(
                        _case(label, result, db_admin, previous, new, url, landed=landed, restart=outage)
                    )
        finally:
            if not server.running():
                server.start()
            for name in created:
                drop_database(admin, name)

    held = [c for c in cases if c["held"]]
    record(
        "faults_database_outage",
        f"{len(cases)} tried, {len(held)} held "
        f"({sum(c['expected'] == 'fail' for c in cases)} outages outlasting the retries failed clearly "
        f"with the day intact, {sum(c['expected'] == 'succeed' for c in cases)} recovered exactly)",
        {"retry_delay_setting_s": RETRY_DELAY, "cases": cases},
    )
    assert len(held) == len(cases), [c for c in cases if not c["held"]]


def _case(
    label: str,
    result: dict[str, Any],
    admin_url: str,
    previous: dict[str, tuple[int, str]],
    new: dict[str, tuple[int, str]],
    url: str,
    *,
    landed: bool | None = None,
    restart: float | None = None,
) -> dict[str, Any]:
    """Judge one outage: retries with growing waits; then a clear failure with the day intact, or the
    new day exactly; never the password."""
    expected = "fail" if "for good" in label or "whole run" in label else "succeed"
    after = table_digests(admin_url)
    retries = [e for e in result["timeline"] if e["event"] == "STEP_UP_FOR_RETRY"]
    waits = [e["wait_s"] for e in retries if e["step"] == "openclaw_usage_events"]
    chain = [m for failure in result["failures"] for m in failure]
    target = describe_target(url)
    texts = [result["log_text"], *chain, *(m for r in result["retry_errors"] for m in r)]
    leaks = [form for form in _secret_forms() for text in texts if form in text]
    checks = {
        "retried": bool(retries),
        "waits_grow": waits == sorted(waits)
        and all(abs(w - (2 ** (i + 1) - 1) * RETRY_DELAY) <= RETRY_DELAY + 1e-6 for i, w in enumerate(waits)),
        "no_password_anywhere": not leaks,
    }
    if expected == "fail":
        checks["failed"] = not result["success"]
        checks["three_retries_then_failure"] = len(waits) == 3
        checks["failure_names_target"] = any(f"cannot connect to {target}" in m for m in chain)
        checks["day_before_intact"] = after == previous
    else:
        checks["succeeded"] = result["success"]
        checks["new_day_exactly"] = after == new
    return {
        "case": label,
        "expected": expected,
        "outage_hit_the_ledger_write": landed,
        "restart_s": round(restart, 2) if restart is not None else None,
        "retry_waits_s": [round(w, 2) for w in waits],
        "run_s": result["seconds"],
        "first_retry_error": (result["retry_errors"][0][-1][:300] if result["retry_errors"] else None),
        "final_error": chain[:2],
        "checks": checks,
        "held": all(checks.values()),
    }


def test_the_retry_delay_setting_is_read_at_import_and_checked() -> None:
    """DB_RETRY_DELAY_SECONDS sets the retry policy's base delay; a bad value stops the import clearly."""
    code = "from mission_pipeline.defs.retries import DATABASE_RETRY as p; print(p.delay, p.max_retries)"

    def run(value: str | None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code],
            env=subprocess_env(DB_RETRY_DELAY_SECONDS=value),
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
        )

    assert run(None).stdout.split() == ["5.0", "3"]
    assert run("2.5").stdout.split() == ["2.5", "3"]
    bad = run("soon")
    assert bad.returncode != 0
    # The message names the variable (not only a traceback line that happens to mention the field).
    assert "DB_RETRY_DELAY_SECONDS='soon' is not valid" in bad.stderr
    assert "valid number" in bad.stderr
    out_of_range = run("-1")
    assert out_of_range.returncode != 0
    assert "greater than or equal to 0" in out_of_range.stderr
