"""The usage rollups are one multi-asset: one aggregate of the ledger per run, only the selected tables."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from mission_pipeline.defs.usage import priced_usage, rollups
from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline_tests.defs.jobs import check_results, materialize, run_job
from mission_pipeline_tests.fixtures.pipeline import PipelineResources
from mission_pipeline_tests.fixtures.postgres import query

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


def counts(target: DatabaseTarget) -> tuple[int, int]:
    """Rows of agent_usage_by_model and agent_usage."""
    (row,) = query(
        target, "select (select count(*) from agent_usage_by_model), (select count(*) from agent_usage)"
    )
    return int(row[0]), int(row[1])


def test_a_run_of_both_tables_aggregates_the_ledger_once(
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    pipeline: PipelineResources,
    instance: dg.DagsterInstance,
    aggregates: list[str],
) -> None:
    openclaw_state("v2026.9.6")
    result = run_job("usage_job", instance=instance, resources=pipeline, partition=DAY)
    assert result.success
    assert aggregates == ["priced_usage_by_model"]
    by_model, by_agent = counts(pipeline_env)
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
    openclaw_state: Callable[[str], Path],
    pipeline_env: DatabaseTarget,
    pipeline: PipelineResources,
    instance: dg.DagsterInstance,
    aggregates: list[str],
    selected: str,
    written: tuple[bool, bool],
    checked: set[str],
) -> None:
    openclaw_state("v2026.9.6")
    assert run_job(
        "usage_job", instance=instance, resources=pipeline, partition=DAY
    ).success  # the ledger, both tables
    with pipeline_env.connect() as conn:
        conn.execute("truncate agent_usage_by_model, agent_usage")
    aggregates.clear()
    result = materialize([selected], instance=instance, resources=pipeline, partition=DAY)
    assert result.success
    assert aggregates == ["priced_usage_by_model"]
    assert tuple(n > 0 for n in counts(pipeline_env)) == written
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == {dg.AssetKey(selected)}
    assert set(check_results(result)) == checked
