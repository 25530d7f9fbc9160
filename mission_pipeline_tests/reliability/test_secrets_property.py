"""Property: no fragment of the database password in anything the pipeline shows, whatever it holds.

Each drawn password (tokens `Zq...` joined by the characters URL syntax treats specially, see
fixtures/secret_passwords.py) becomes the password of a login role on a PostgreSQL of these tests'
own. SUPABASE_DB_URL then names that server with the password percent-encoded (must work) and written
raw (must work if it is unambiguous and parses, else be refused before connecting), and names an
unreachable server (127.0.0.1:1) both ways. For each, `mission-pipeline migrate`, `run`, `doctor` and
`embedded status` run in this process (`run` writes the sample state through the real login); then a
real child process runs usage_job with the raw unreachable URL, which fails (refused, or after its
retries), and the project's alert sensor POSTs that failure to a local webhook.

Searched for every token (and the raw and percent-encoded password): command output, Python logs,
every run and event (messages, errors, materialization metadata) and file of the Dagster instance,
the alert sensor's log and the webhook requests. Zero hits required.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings

from mission_pipeline_tests.fixtures.secret_passwords import Password, passwords
from mission_pipeline_tests.reliability.harness import SLOW_AT_FULL_SIZE, OwnServer, record, size
from mission_pipeline_tests.reliability.secret_capture import Captured, Webhook, runs_and_files
from mission_pipeline_tests.reliability.secret_world import (
    World,
    failed_day,
    raw_outcome,
    scenario,
    secret_world,
)

pytestmark = SLOW_AT_FULL_SIZE


@pytest.fixture
def world(own_server: OwnServer, tmp_path: Path) -> Iterator[World]:
    with secret_world(own_server, tmp_path) as setting:
        yield setting


@settings(
    max_examples=size(3, 60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=passwords())
# The cases: "/" and "@" (urlsplit and libpq cut apart), "?" (libpq's query), and a password
# that is fine raw although it holds characters URLs use.
@example(drawn=Password("ZqSUP3R@ZqS3CRET/ZqPW4", ("ZqSUP3R", "ZqS3CRET", "ZqPW4")))
@example(drawn=Password("ZqSUP3R?ZqS3CRETPW", ("ZqSUP3R", "ZqS3CRETPW")))
@example(drawn=Password("ZqAB2:&=+;[]'\"\\,éZqCD3中", ("ZqAB2", "ZqCD3")))
# A space at the end: libpq drops it without a word (another password); the pipeline refuses it.
@example(drawn=Password("ZqEF4 ", ("ZqEF4",)))
def test_no_fragment_of_any_password_in_anything_shown(world: World, drawn: Password) -> None:
    password = drawn.text
    world.set_password(password)
    home, captured, hooks = world.new_home(), Captured(), len(Webhook.received)
    encoded, raw = quote(password, safe=""), raw_outcome(password)
    problems = scenario(world, home, captured, "encoded", world.url(encoded, reachable=True), "ok")
    problems += scenario(world, home, captured, "raw", world.url(password, reachable=True), raw)
    unreachable = world.url(encoded, reachable=False)
    problems += scenario(world, home, captured, "unreachable", unreachable, "unreachable")
    unreachable_raw = world.url(password, reachable=False)
    expect = "unreachable" if raw == "ok" else raw
    problems += scenario(world, home, captured, "unreachable raw", unreachable_raw, expect)
    # A real child: usage_job with the raw URL of the unreachable server fails (refused, or after
    # its retries), and the alert sensor reports it.
    status, sent = failed_day(world, home, unreachable_raw, captured, "child")
    runs_and_files(home, captured, "instance")
    captured.add("webhook requests", "\n".join(Webhook.received[hooks:]))
    if status != 1 or sent != 1 or len(Webhook.received) != hooks + 1:
        problems.append(f"child exited {status}, {sent} alerts, {len(Webhook.received) - hooks} POSTs")
    materialized = sum(t.count('"ASSET_MATERIALIZATION"') for s, t in captured.texts.items() if "events" in s)
    hits = captured.leaks(set(drawn.tokens) | drawn.forms())
    record(
        "secrets_property_last",
        f"password of {len(password)} characters ({raw} raw): {len(captured.texts)} sources, "
        f"{sum(map(len, captured.texts.values())):,} characters, {materialized} materializations, "
        f"{sent} alerts, {len(hits)} hits",
        {"hits": hits, "problems": problems, "raw_outcome": raw},
    )
    assert not hits, hits
    assert not problems, problems
    assert materialized > 0, "the real login must write (and its metadata be searched)"
