"""What counts as an OpenClaw state directory, and where the path came from."""

from pathlib import Path

import pytest

from mission_pipeline.openclaw.state_check import check_state_dir
from mission_pipeline.openclaw.state_dir import StateDirLocation, locate_state_dir
from mission_pipeline_tests.conftest import sample_state
from mission_pipeline_tests.fixtures.refused_folders import refuse_folders


def _check(path: Path) -> tuple[str, str]:
    check = check_state_dir(StateDirLocation(path, "from OPENCLAW_STATE_DIR", True))
    return check.status, check.reason


@pytest.mark.parametrize("version", ["v2026.9.6", "v2026.5.28"])
def test_both_sample_eras_are_state_directories(version: str) -> None:
    assert _check(sample_state(version)) == ("ok", "an OpenClaw state directory")


def test_a_missing_path_or_a_file_is_not_one(tmp_path: Path) -> None:
    assert _check(tmp_path / "openclaw-typo")[0] == "missing"
    (tmp_path / "file").write_text("x")
    assert _check(tmp_path / "file")[0] == "not_a_directory"


def test_empty_foreign_and_empty_agents_folders_are_not_one(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    status, reason = _check(empty)
    assert status == "not_openclaw" and reason.startswith("is empty")

    foreign = tmp_path / "foreign"
    (foreign / "data").mkdir(parents=True)
    (foreign / "config.yaml").write_text("app: something else\n")
    status, reason = _check(foreign)
    assert status == "not_openclaw" and "neither openclaw.json nor an agent folder" in reason

    (foreign / "agents").mkdir()  # an empty agents/ folder is no agent
    (foreign / "agents" / ".hidden").mkdir()
    (foreign / "agents" / "Not An Id").mkdir()
    assert _check(foreign)[0] == "not_openclaw"


def test_openclaw_json_alone_or_one_agent_folder_alone_is_enough(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "openclaw.json").write_text("{}")
    assert _check(tmp_path / "a")[0] == "ok"
    (tmp_path / "b" / "agents" / "main").mkdir(parents=True)
    assert _check(tmp_path / "b")[0] == "ok"


def test_an_unlistable_directory_or_agents_folder_is_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "s" / "agents" / "main").mkdir(parents=True)
    (tmp_path / "t" / "agents" / "main").mkdir(parents=True)
    refuse_folders(monkeypatch, {str(tmp_path / "s"): "EACCES", str(tmp_path / "t" / "agents"): "EACCES"})
    status, reason = _check(tmp_path / "s")
    assert status == "unreadable" and "Permission denied" in reason
    status, reason = _check(tmp_path / "t")
    assert status == "unreadable" and reason.startswith("agents/ cannot be listed")


def test_the_location_says_where_the_path_came_from(tmp_path: Path) -> None:
    configured = locate_state_dir(tmp_path / "x", {"HOME": str(tmp_path)})
    assert (configured.path, configured.origin, configured.configured) == (
        tmp_path / "x",
        "from OPENCLAW_STATE_DIR",
        True,
    )
    home = locate_state_dir(None, {"OPENCLAW_HOME": str(tmp_path / "oh"), "HOME": "/nowhere"})
    assert home.path == tmp_path / "oh" / ".openclaw" and home.configured
    assert home.origin == f"OPENCLAW_HOME={tmp_path / 'oh'}"
    default = locate_state_dir(None, {"HOME": str(tmp_path)})
    assert default.path == tmp_path / ".openclaw" and not default.configured
    message = check_state_dir(configured).refusal("nothing was written")
    where = f"{tmp_path / 'x'} (from OPENCLAW_STATE_DIR)"
    assert message == f"OpenClaw state directory {where}: no such directory; nothing was written"
