"""The ccusage reference: its `pi daily --json` report read into per-day totals, checked like the others.

REPORT is real output of ccusage 19.0.3 (`pi daily --json --offline --timezone UTC --since 2026-12-04
--until 2026-12-05`) over a small generated history's two agents.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from benchmarks.comparisons import ccusage_reference
from benchmarks.generate import Manifest
from benchmarks.harness import Harness
from benchmarks.measure.ccusage_cli import ALL_AGENTS, ccusage_command, parse_daily, per_day, share
from benchmarks.measure.totals import compare

REPORT = """{
  "daily": [
    {
      "date": "2026-12-04",
      "inputTokens": 679617,
      "outputTokens": 158434,
      "cacheCreationTokens": 1306878,
      "cacheReadTokens": 10862800,
      "totalTokens": 13007729,
      "totalCost": 11.621624679999995,
      "modelsUsed": [
        "[pi] claude-haiku-3-5",
        "[pi] claude-opus-4-6",
        "[pi] claude-sonnet-4-5"
      ]
    },
    {
      "date": "2026-12-05",
      "inputTokens": 824698,
      "outputTokens": 196361,
      "cacheCreationTokens": 1567085,
      "cacheReadTokens": 14092695,
      "totalTokens": 16680839,
      "totalCost": 12.647692719999997,
      "modelsUsed": [
        "[pi] claude-haiku-3-5",
        "[pi] claude-opus-4-6",
        "[pi] claude-sonnet-4-5"
      ]
    }
  ],
  "totals": {
    "inputTokens": 1504315,
    "outputTokens": 354795,
    "cacheCreationTokens": 2873963,
    "cacheReadTokens": 24955495,
    "totalTokens": 29688568,
    "totalCost": 24.26931739999999
  }
}
"""


def test_report_becomes_per_day_totals_in_the_generators_column_order() -> None:
    # [calls, input, output, cacheRead, cacheWrite, cost]: ccusage's "cacheCreation" is the write.
    assert parse_daily(REPORT) == {
        ALL_AGENTS: {
            "2026-12-04": [0, 679617, 158434, 10862800, 1306878, 11.62162468],
            "2026-12-05": [0, 824698, 196361, 14092695, 1567085, 12.64769272],
        }
    }


def test_empty_report_has_no_days() -> None:
    assert parse_daily('{"daily":[],"totals":null}') == {}


def test_agents_added_up_per_day_match_the_report() -> None:
    # Two agents whose calls add up to the report; calls are dropped, costs summed to 1e-9.
    by_agent = {
        "main": {
            "2026-12-04": [7, 600000, 150000, 10000000, 1300000, 11.0],
            "2026-12-05": [9, 824698, 196361, 14092695, 1567085, 12.64769272],
        },
        "max": {"2026-12-04": [2, 79617, 8434, 862800, 6878, 0.62162468]},
    }
    assert compare(parse_daily(REPORT), per_day(by_agent)) == []
    short = {"main": by_agent["main"]}
    assert [line.split(":")[0] for line in compare(parse_daily(REPORT), per_day(short))] == [
        f"{ALL_AGENTS} 2026-12-04"
    ]
    assert share(per_day(short), per_day(by_agent), (5,)) == pytest.approx((11.0 + 12.64769272) / 24.2693174)


def test_one_run_over_every_agents_sessions_folder(tmp_path: Path) -> None:
    cmd = ccusage_command(tmp_path, ["main", "max"], cli=tmp_path / "ccusage")
    assert cmd[1:3] == ["pi", "daily"]
    assert cmd[-2:] == ["--pi-path", f"{tmp_path}/agents/main/sessions,{tmp_path}/agents/max/sessions"]
    assert cmd[cmd.index("--timezone") + 1] == "UTC"


def test_without_ccusage_installed_its_rows_are_left_out_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ccusage_reference, "CCUSAGE_CLI", tmp_path / "missing" / "ccusage")
    manifest = cast(Manifest, SimpleNamespace(agents=["main"]))
    runs = ccusage_reference.measure(cast(Harness, None), tmp_path, manifest)
    assert ccusage_reference.describe(runs, 12.5, 365) == []
    assert ["ccusage not measured" in note and "make ccusage-cli" in note for note in runs.notes] == [True]
