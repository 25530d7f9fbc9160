"""Every `mission-pipeline` command as the console script, in its own process, hides the password.

One password holding every character URL syntax treats specially (see test_secrets_property.py for
drawn ones, run in process). With it written raw, SUPABASE_DB_URL is ambiguous: `migrate`, `run`,
`doctor` must refuse it in one line before connecting, and a usage_job run fails at once. Percent-
encoded, the same password logs in: `migrate`, `run` and `doctor` succeed. Against 127.0.0.1:1,
`migrate` and a usage_job run fail naming host and database only. Both failed runs are alerted to a
local webhook. No token of the password in any output, run, event, file or alert.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from mission_pipeline_tests.fixtures.secret_passwords import SPECIALS, Password
from mission_pipeline_tests.reliability.harness import OwnServer, record, subprocess_env
from mission_pipeline_tests.reliability.secret_capture import (
    CLI,
    COMMANDS,
    Captured,
    Webhook,
    child,
    runs_and_files,
)
from mission_pipeline_tests.reliability.secret_world import REFUSALS, World, failed_day, secret_world

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

TOKENS = ("ZqQ2XKA", "ZqR7MTB", "Zq5KPAC", "ZqM3WBD", "Zq8WHNE", "ZqJ4DEF", "ZqT9LCG")
# Every special character between two tokens, some beyond ASCII at the end.
PASSWORD = Password(
    "".join(t + s for t, s in zip(TOKENS, ["@/", "?#", "%:", "&=+;", "[]'\"", "\\ ,", "é中"], strict=True)),
    TOKENS,
)


@pytest.fixture
def world(own_server: OwnServer, tmp_path: Path) -> Iterator[World]:
    with secret_world(own_server, tmp_path) as setting:
        yield setting


def test_every_command_in_its_own_process(world: World) -> None:
    assert set(SPECIALS) <= set(PASSWORD.text)
    world.set_password(PASSWORD.text)
    home, captured, hooks = world.new_home(), Captured(), len(Webhook.received)
    raw = world.url(PASSWORD.text, reachable=True)
    encoded = world.url(quote(PASSWORD.text, safe=""), reachable=True)
    unreachable = world.url(quote(PASSWORD.text, safe=""), reachable=False)

    def script(label: str, url: str, argv: list[str]) -> tuple[int, str, str]:
        env = subprocess_env(**world.env(url, home))
        return child([str(CLI), *argv], env, captured, label, world.root)

    problems: list[str] = []
    for argv in COMMANDS:
        status, out, err = script("raw", raw, argv)
        if argv[0] in ("migrate", "run") and (status != 2 or err.count("\n") != 1):
            problems.append(f"raw {argv[0]}: exit {status}, {err!r}")
        if argv[0] in ("migrate", "run") and not err.startswith(REFUSALS["ambiguous"]):
            problems.append(f"raw {argv[0]}: {err!r}")
        if argv[0] == "doctor" and "  FAIL  database" not in out:
            problems.append(f"raw doctor: {out}")
    for argv in COMMANDS[:3]:
        status, out, err = script("encoded", encoded, argv)
        if argv[0] in ("migrate", "run") and status != 0:
            problems.append(f"encoded {argv[0]}: exit {status}, {err}")
        if argv[0] == "doctor" and "  ok    database" not in out:
            problems.append(f"encoded doctor: {out}")
    status, _out, err = script("unreachable", unreachable, ["migrate"])
    if status != 2 or not err.startswith(REFUSALS["unreachable"]):
        problems.append(f"unreachable migrate: exit {status}, {err}")
    runs = [("refused run", raw), ("unreachable run", unreachable)]
    alerts = [failed_day(world, home, url, captured, label) for label, url in runs]
    if alerts != [(1, 1), (1, 1)] or len(Webhook.received) != hooks + 2:
        problems.append(f"failed runs (exit, alerts): {alerts}, {len(Webhook.received) - hooks} POSTs")
    runs_and_files(home, captured, "instance")
    captured.add("webhook requests", "\n".join(Webhook.received[hooks:]))
    hits = captured.leaks(set(PASSWORD.tokens) | PASSWORD.forms())
    record(
        "secrets_processes",
        f"{len(captured.texts)} sources, {sum(map(len, captured.texts.values())):,} characters, "
        f"{len(Webhook.received) - hooks} alerts: {len(hits)} hits",
        {"hits": hits, "problems": problems},
    )
    assert not hits, hits
    assert not problems, problems
