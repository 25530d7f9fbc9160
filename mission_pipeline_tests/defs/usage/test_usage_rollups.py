"""The usage rollups are one multi-asset: one aggregate of the ledger per run, only the selected tables."""

from typing import Any

import dagster as dg
import pandas as pd
import pytest

from mission_pipeline.defs.usage import priced_usage, rollups
from mission_pipeline_tests.defs.jobs import check_results
from mission_pipeline_tests.defs.project import ProjectRuns

DAY = "2026-11-27"
BY_MODEL_CHECKS = {"agent_usage_by_model/all_models_priced", "agent_usage_by_model/cost_matches_recorded"}
BY_AGENT_CHECKS = {"agent_usage/tokens_non_negative", "agent_usage/totals_match_ledger"}


@pytest.fixture
def aggregates(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the priced aggregates the rollups run: one entry per call."""
    calls: list[str] = []
    aggregate = priced_usage.priced_usage_by_model

    def counted(*args: Any, **kwargs: Any) -> pd.DataFrame:
        calls.append("priced_usage_by_model")
        return aggregate(*args, **kwargs)

    monkeypatch.setattr(rollups, "priced_usage_by_model", counted)
    return calls


def counts(project: ProjectRuns) -> tuple[int, int]:
    """Rows of agent_usage_by_model and agent_usage."""
    (row,) = project.query(
        "select (select count(*) from agent_usage_by_model), (select count(*) from agent_usage)"
    )
    return int(row[0]), int(row[1])


def test_a_run_of_both_tables_aggregates_the_ledger_once(project: ProjectRuns, aggregates: list[str]) -> None:
    project.use_sample("v2026.9.6")
    result = project.run("usage_job", partition=DAY)
    assert result.success
    assert aggregates == ["priced_usage_by_model"]
    by_model, by_agent = counts(project)
    assert by_model > 0 and by_agent > 0
    assert set(check_results(result)) >= BY_MODEL_CHECKS | BY_AGENT_CHECKS


@pytest.mark.parametrize(
    ("selected", "written", "checked"),
    [
        ("agent_usage_by_model", (True, False), BY_MODEL_CHECKS),
        ("agent_usage", (False, True), BY_AGENT_CHECKS),
    ],
)
def test_a_subset_writes_and_checks_only_the_selected_table(
    project: ProjectRuns, aggregates: list[str], selected: str, written: tuple[bool, bool], checked: set[str]
) -> None:
    project.use_sample("v2026.9.6")
    assert project.run("usage_job", partition=DAY).success  # the ledger, both tables
    project.query("truncate agent_usage_by_model, agent_usage")
    aggregates.clear()
    result = project.materialize([selected], partition=DAY)
    assert result.success
    assert aggregates == ["priced_usage_by_model"]
    assert tuple(n > 0 for n in counts(project)) == written
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == {dg.AssetKey(selected)}
    assert set(check_results(result)) == checked
