"""Contract: the real OpenClaw CLI lists the same sessions our store reader finds.

Runs when `.openclaw-cli/bin/openclaw` exists (`scripts/install-openclaw-cli.sh`) or `OPENCLAW_CLI`
names an executable; CI installs it, so there it always runs.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.sessions import SessionRecord, read_session_index, read_session_index_from_cli
from mission_pipeline_tests.openclaw.usage.helpers import read_all, totals_by_agent, writable

REPO = Path(__file__).resolve().parents[2]


def installed_cli() -> list[str] | None:
    setting = os.environ.get("OPENCLAW_CLI", "").strip()
    path = (
        Path(setting)
        if setting and setting not in {"auto", "off"}
        else REPO / ".openclaw-cli" / "bin" / "openclaw"
    )
    return [str(path)] if path.is_file() and os.access(path, os.X_OK) else None


def key(record: SessionRecord) -> tuple[object, ...]:
    return (record.agent_id, record.session_id, record.session_key, record.model, record.kind)


@pytest.mark.contract
def test_cli_sessions_equal_the_store(
    copy_sample: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = installed_cli()
    if command is None:
        pytest.skip("OpenClaw CLI not installed: run scripts/install-openclaw-cli.sh or set OPENCLAW_CLI")
    state = writable(copy_sample("v2026.9.6"))
    home = tmp_path / "home"
    home.mkdir()
    # A throwaway home, so the CLI never sees or writes the real ~/.openclaw.
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    monkeypatch.delenv("OPENCLAW_HOME", raising=False)
    monkeypatch.delenv("OPENCLAW_CONFIG_PATH", raising=False)
    for name in ("OC_MOCK_ANTHROPIC_KEY", "OC_FIXTURE_GATEWAY_TOKEN"):
        monkeypatch.setenv(name, "unused-in-this-test")
    # Backup copies hold rows doctor has not validated; the CLI refuses them until repaired.
    doctor = subprocess.run(
        [*command, "doctor", "--fix", "--non-interactive"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert doctor.returncode == 0, doctor.stdout[-2000:] + doctor.stderr[-2000:]

    from_cli = read_session_index_from_cli(command, state, timeout=300)
    problems = ProblemLog(base=state)
    from_store = read_session_index(state, problems=problems)
    assert not problems
    assert len(from_cli) == 17
    assert sorted(map(key, from_cli)) == sorted(map(key, from_store))

    # doctor leaves the databases in WAL mode: usage reads the same totals from them.
    events, usage_problems = read_all(state)
    assert not usage_problems
    assert sum(t["calls"] for t in totals_by_agent(events).values()) == 54
