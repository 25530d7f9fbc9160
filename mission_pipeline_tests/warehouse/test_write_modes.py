"""write_mode has no default: an asset that forgets it fails by name instead of replacing its table."""

import datetime as dt
import warnings

import dagster as dg
import pandas as pd
import pytest

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.io_manager import PostgresPandasIOManager
from mission_pipeline.warehouse.io_manager.write_modes import WRITE_MODES, WriteSpec, WriteSpecError
from mission_pipeline_tests.fixtures.postgres import query
from mission_pipeline_tests.warehouse.dagster_helpers import failure_message, run


def _assert_names_asset_and_modes(message: str, asset: str) -> None:
    assert f"asset {asset}: metadata write_mode is missing" in message
    assert "replace_partition, upsert, sync" in message


@pytest.mark.parametrize(
    "metadata",
    [{}, {"partition_expr": "date", "primary_key": ["agent_id", "date"]}, {"write_mode": None}],
)
def test_a_spec_without_write_mode_names_the_asset_and_the_modes(metadata: dict[str, object]) -> None:
    with pytest.raises(WriteSpecError) as raised:
        WriteSpec.from_metadata(metadata, asset="agent_usage")
    _assert_names_asset_and_modes(str(raised.value), "agent_usage")


def test_every_mode_is_accepted_when_declared() -> None:
    assert WRITE_MODES == ("replace_partition", "upsert", "sync")
    for mode in WRITE_MODES:
        spec = WriteSpec.from_metadata({"write_mode": mode, "primary_key": "id"}, asset="a")
        assert spec.write_mode == mode


def test_an_asset_without_write_mode_fails_and_leaves_its_table_alone(pipeline_env: DatabaseTarget) -> None:
    row = {"agent_id": "main", "date": dt.date(2026, 11, 5), "input_tokens": 1, "total_cost": 0.5}

    @dg.asset(name="agent_usage", metadata={"write_mode": "upsert", "primary_key": ["agent_id", "date"]})
    def declared() -> pd.DataFrame:
        """Writes one row."""
        return pd.DataFrame([row])

    @dg.asset(name="agent_usage")
    def forgetful() -> pd.DataFrame:
        """No write_mode: with a default it would replace, that is empty, the whole table."""
        return pd.DataFrame(columns=["agent_id", "date"])

    assert run(pipeline_env, [declared]).success
    result = run(pipeline_env, [forgetful])
    assert not result.success
    _assert_names_asset_and_modes(failure_message(result), "agent_usage")
    assert query(pipeline_env, "select agent_id, input_tokens from agent_usage") == [("main", 1)]


def test_every_asset_written_by_the_io_manager_declares_its_write_mode() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # beta parameters of some assets warn on load
        from mission_pipeline.definitions import defs

        graph = defs.resolve_asset_graph()
    io_manager_keys = {
        key
        for key, resource in (defs.resources or {}).items()
        if isinstance(resource, PostgresPandasIOManager)
    }
    assert io_manager_keys == {"io_manager"}
    checked = []
    for assets_def in graph.assets_defs:
        for key in assets_def.keys:
            output = assets_def.node_def.output_def_named(assets_def.get_output_name_for_asset_key(key))
            if output.dagster_type.is_nothing:
                continue  # returns None or a MaterializeResult: the IO manager never sees it
            if assets_def.get_io_manager_key_for_asset_key(key) not in io_manager_keys:
                continue
            metadata = assets_def.metadata_by_key.get(key, {})
            name = key.to_user_string()
            assert "write_mode" in metadata, f"{name} is written by the IO manager without a write_mode"
            WriteSpec.from_metadata(metadata, asset=name)  # and the rest of its spec holds
            checked.append(name)
    # The filter above must find the tables the pipeline writes, or it checks nothing.
    assert {"openclaw_usage_events", "agent_usage", "cron_jobs", "agent_workspaces"} <= set(checked)
