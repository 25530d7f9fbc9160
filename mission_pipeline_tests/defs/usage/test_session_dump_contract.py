"""Contract: the session dump table holds what the real `openclaw sessions --all-agents --json` prints."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from mission_pipeline_tests.defs.project import ProjectRuns
from mission_pipeline_tests.openclaw.test_contract_cli import installed_cli
from mission_pipeline_tests.warehouse.dagster_helpers import output_metadata


@pytest.mark.contract
def test_the_dump_equals_the_real_cli_output(
    project: ProjectRuns, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    command = installed_cli()
    if command is None:
        pytest.skip("OpenClaw CLI not installed: `make openclaw-cli` (CI installs it)")
    state = project.use_sample("v2026.9.6")  # a relocated copy, the one the runs read
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # the CLI must never touch a real ~/.openclaw
    env = {**os.environ, "NO_COLOR": "1", "OPENCLAW_STATE_DIR": str(state)}
    # Backup copies hold rows OpenClaw has not validated; it refuses them until doctor repairs them.
    doctor = subprocess.run(
        [*command, "doctor", "--fix", "--non-interactive"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert doctor.returncode == 0, doctor.stderr[-2000:]
    listing = subprocess.run(
        [*command, "sessions", "--all-agents", "--json"], env=env, capture_output=True, text=True, timeout=300
    )
    assert listing.returncode == 0, listing.stderr[-2000:]
    printed = json.loads(listing.stdout)["sessions"]

    project.resources.cli = command[0]
    result = project.materialize(["openclaw_session_dumps"])
    assert (
        output_metadata(result, "openclaw_session_dumps")["source"] == "openclaw sessions --all-agents --json"
    )
    dumped = project.query(
        "select agent_id, session_id, session_key, kind, model from openclaw_session_dumps"
        " where gone_at is null",
    )
    expected = {(s["agentId"], s["sessionId"], s["key"], s["kind"], s.get("model")) for s in printed}
    assert set(dumped) == expected
    assert len(dumped) == len(printed) == 17
