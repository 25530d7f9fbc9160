"""State dir resolution and `openclaw.json` loading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mission_pipeline.openclaw.config import load_config, normalize_agent_id
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.state_dir import resolve_state_dir


def test_state_dir_env_wins(tmp_path: Path) -> None:
    env = {"OPENCLAW_STATE_DIR": str(tmp_path / "s"), "OPENCLAW_HOME": "/x", "HOME": "/y"}
    assert resolve_state_dir(env) == tmp_path / "s"


def test_state_dir_tilde_uses_openclaw_home(tmp_path: Path) -> None:
    assert resolve_state_dir({"OPENCLAW_STATE_DIR": "~/st", "HOME": str(tmp_path)}) == tmp_path / "st"
    assert (
        resolve_state_dir({"OPENCLAW_HOME": str(tmp_path / "oh"), "HOME": "/y"}) == tmp_path / "oh/.openclaw"
    )


def test_state_dir_home_and_legacy(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    assert resolve_state_dir(env) == tmp_path / ".openclaw"  # neither exists: the current name
    (tmp_path / ".clawdbot").mkdir()
    assert resolve_state_dir(env) == tmp_path / ".clawdbot"  # only the legacy one exists
    (tmp_path / ".openclaw").mkdir()
    assert resolve_state_dir(env) == tmp_path / ".openclaw"  # both: the current one


def test_empty_env_values_are_unset(tmp_path: Path) -> None:
    assert resolve_state_dir({"OPENCLAW_STATE_DIR": " ", "HOME": str(tmp_path)}) == tmp_path / ".openclaw"


def test_config_shapes_of_both_samples(copy_sample: Callable[[str], Path]) -> None:
    for version in ("v2026.9.6", "v2026.5.28"):
        state = copy_sample(version)
        problems = ProblemLog()
        config = load_config(state, problems=problems, env={})
        assert not problems
        assert config.valid
        assert config.path == state / "openclaw.json"
        assert [a.id for a in config.agents] == ["main", "max", "dash", "atlas", "amber"]
        assert config.agents[1].name == "Max"
        assert config.agents[1].workspace == str(state / "workspace-max")
        assert config.agents[0].default is (version == "v2026.5.28")  # 9.6 marks none: first entry
        # Only agent/cron settings are kept: no gateway token, no provider key, resolved or not.
        dumped = config.model_dump_json()
        assert "OC_MOCK_ANTHROPIC_KEY" not in dumped
        assert "OC_FIXTURE_GATEWAY_TOKEN" not in dumped


def test_missing_config_is_empty(tmp_path: Path) -> None:
    problems = ProblemLog()
    config = load_config(tmp_path, problems=problems, env={})
    assert config.agents == []
    assert config.valid
    assert config.path is None
    assert not problems


def test_invalid_config_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "openclaw.json").write_text('{ agents: { list: [ { id: "a" ', encoding="utf-8")
    problems = ProblemLog()
    config = load_config(tmp_path, problems=problems, env={})
    assert not config.valid
    assert config.agents == []
    assert [p.path for p in problems] == [str(tmp_path / "openclaw.json")]
    assert "invalid JSON5" in next(iter(problems)).message


def test_json5_env_refs_and_bad_entries(tmp_path: Path) -> None:
    text = """// hand-edited
    { agents: { defaults: { workspace: '${WS_ROOT}/agents', },
                entries: { Research: { name: "R", workspace: "~/r" }, broken: 7, },
                list: [ { id: "old", default: true }, "nonsense", { id: "x", name: 5 } ], },
      cron: { store: "~/jobs.json" },
      gateway: { auth: { token: "${SECRET}" } } }"""
    (tmp_path / "openclaw.json").write_text(text, encoding="utf-8")
    problems = ProblemLog()
    config = load_config(tmp_path, problems=problems, env={"WS_ROOT": "/resolved", "SECRET": "s3cr3t"})
    assert [a.id for a in config.agents] == ["research", "old"]  # ids normalized like OpenClaw's
    assert config.defaults.workspace == "${WS_ROOT}/agents"  # never resolved
    assert config.cron_store == "~/jobs.json"
    assert len(problems) == 3  # broken, "nonsense", name 5
    assert all("s3cr3t" not in line for line in problems.lines())


def test_config_path_override(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.json"
    other.write_text('{"agents": {"list": [{"id": "solo"}]}}', encoding="utf-8")
    config = load_config(tmp_path, problems=ProblemLog(), env={"OPENCLAW_CONFIG_PATH": str(other)})
    assert [a.id for a in config.agents] == ["solo"]
    assert config.path == other


@pytest.mark.parametrize(
    ("raw", "expected"), [("main", "main"), ("Max", "max"), ("my agent!", "my-agent"), (" ", "")]
)
def test_normalize_agent_id(raw: str, expected: str) -> None:
    assert normalize_agent_id(raw) == expected
