"""The session dump: from the store or the CLI, upserted per (agent, session), pruned ones marked gone."""

import json
import sqlite3
import stat
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline_tests.conftest import sample_dir
from mission_pipeline_tests.defs.project import ProjectRuns
from mission_pipeline_tests.warehouse.dagster_helpers import output_metadata


def _dump(project: ProjectRuns) -> dg.ExecuteInProcessResult:
    return project.materialize(["openclaw_session_dumps"])


def _stand_in_cli(tmp_path: Path, payload: Path) -> Path:
    """An `openclaw` that prints a recorded `sessions --all-agents --json` answer."""
    script = tmp_path / "openclaw"
    script.write_text(f"#!/bin/sh\ncat '{payload}'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_the_store_is_dumped_for_both_samples(sample_version: str, project: ProjectRuns) -> None:
    project.use_sample(sample_version)
    result = _dump(project)
    assert result.success
    assert output_metadata(result, "openclaw_session_dumps")["source"] == "store"
    rows = project.query("select agent_id, session_id, session_key, entry from openclaw_session_dumps")
    assert len(rows) >= 10
    assert all(key.startswith(f"agent:{agent}:") for agent, _, key, _ in rows)
    assert all(isinstance(entry, dict) and entry for *_, entry in rows)


def test_the_cli_is_preferred_and_pruned_sessions_are_marked_gone(
    project: ProjectRuns, tmp_path: Path
) -> None:
    project.use_sample("v2026.9.6")
    recorded = json.loads((sample_dir("v2026.9.6") / "cli" / "sessions-all-agents.json").read_text())
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps(recorded))
    project.resources.cli = str(_stand_in_cli(tmp_path, answer))
    first = _dump(project)
    assert (
        output_metadata(first, "openclaw_session_dumps")["source"] == "openclaw sessions --all-agents --json"
    )
    listed = {s["sessionId"] for s in recorded["sessions"]}
    assert {r[0] for r in project.query("select session_id from openclaw_session_dumps")} == listed

    pruned = recorded["sessions"].pop()
    answer.write_text(json.dumps(recorded))
    second = _dump(project)
    assert output_metadata(second, "openclaw_session_dumps")["rows_marked_gone"] == 1
    gone = project.query("select session_id from openclaw_session_dumps where gone_at is not null")
    assert gone == [(pruned["sessionId"],)]


def test_a_failing_cli_falls_back_to_the_store(project: ProjectRuns, tmp_path: Path) -> None:
    state = project.use_sample("v2026.9.6")
    broken = tmp_path / "openclaw"
    broken.write_text(
        '#!/bin/sh\necho \'{"ok":false,"error":{"message":"run openclaw doctor --fix"}}\'\nexit 1\n'
    )
    broken.chmod(0o755)
    project.resources.cli = str(broken)
    result = _dump(project)
    assert result.success
    assert output_metadata(result, "openclaw_session_dumps")["source"] == "store"
    with sqlite3.connect(state / "agents" / "main" / "agent" / "openclaw-agent.sqlite") as db:
        keys = {r[0] for r in db.execute("select session_key from session_nodes")}
    dumped = {
        r[0] for r in project.query("select session_key from openclaw_session_dumps where agent_id='main'")
    }
    assert dumped == keys


def test_a_missing_state_dir_marks_nothing_gone(project: ProjectRuns, tmp_path: Path) -> None:
    project.use_sample("v2026.9.6")
    assert _dump(project).success
    project.resources.state_dir = tmp_path / "gone"
    result = project.materialize(["openclaw_session_dumps"], raise_on_error=False)
    assert not result.success
    assert project.query("select count(*) from openclaw_session_dumps where gone_at is not null") == [(0,)]


@pytest.mark.parametrize("damage", ["unreadable", "missing"])
def test_an_unread_store_marks_none_of_its_sessions_gone(damage: str, project: ProjectRuns) -> None:
    state = project.use_sample("v2026.5.28")
    assert _dump(project).success
    index = state / "agents" / "max" / "sessions" / "sessions.json"
    if damage == "unreadable":
        index.write_text('{"agent:max:main": {"sessionId": ')  # cut off mid-write
    else:
        index.unlink()
    result = _dump(project)
    assert result.success
    assert project.query("select count(*) from openclaw_session_dumps where gone_at is not null") == [(0,)]
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed
    assert "max" in str(check.metadata["kept_unchanged"].value)
