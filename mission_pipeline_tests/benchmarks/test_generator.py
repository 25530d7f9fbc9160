"""The benchmark's generator is trustworthy: the real readers give back exactly what it says it wrote.

A small history in both layouts (with zstd rows, deleted sessions, reset archives and trajectory files)
is read by `read_usage_events` and must match the generator's totals per agent and day; its lines
must have the shapes of the real OpenClaw lines they were made from.
"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import Manifest, Scale, generate
from benchmarks.measure.reference_tasks import SQLITE3_SQL, duckdb_reference
from benchmarks.measure.totals import compare
from benchmarks.templates.samples import V5, V9
from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.usage.read import read_usage_events
from mission_pipeline.openclaw.workspaces import scan_workspace

SCALE = Scale(
    agents=3,
    days=8,
    calls=3_000,
    files=300,
    end=date(2026, 11, 26),
    seed=7,
    zstd_share=0.25,
    deleted_share=0.25,
)
DAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    root = tmp_path_factory.mktemp("bench")
    return root, generate(root, SCALE)


@pytest.fixture(scope="module")
def alone(history: tuple[Path, Manifest], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    """The same history with only DAY's lines."""
    root = tmp_path_factory.mktemp("alone")
    return root, generate(root, SCALE, only_day=DAY, workspace=history[0] / "workspace")


def read_totals(
    state: Path, start: datetime | None = None, end: datetime | None = None
) -> tuple[dict[str, dict[str, list[Any]]], ProblemLog]:
    problems = ProblemLog(base=state)
    out: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    for e in read_usage_events(state, start=start, end=end, problems=problems):
        row = out[e.agent_id].setdefault(e.occurred_at.date().isoformat(), [0, 0, 0, 0, 0, 0.0])
        row[0] += 1
        row[1] += e.input_tokens
        row[2] += e.output_tokens
        row[3] += e.cache_read_tokens
        row[4] += e.cache_write_tokens
        row[5] += e.recorded_cost_usd or 0.0
    return out, problems


def assert_same(got: dict[str, dict[str, list[Any]]], expected: dict[str, dict[str, list[Any]]]) -> None:
    assert {a: {d: r[:5] for d, r in days.items()} for a, days in got.items()} == {
        a: {d: r[:5] for d, r in days.items()} for a, days in expected.items()
    }
    for agent, days in expected.items():
        for day, row in days.items():
            assert got[agent][day][5] == pytest.approx(row[5], abs=1e-6)


@pytest.mark.parametrize("layout", ["sqlite", "jsonl"])
def test_readers_give_back_every_call_per_agent_and_day(history: tuple[Path, Manifest], layout: str) -> None:
    root, manifest = history
    got, problems = read_totals(root / layout / "state")
    assert problems.count == 0, list(problems.lines(5))
    assert sum(r[0] for days in got.values() for r in days.values()) == SCALE.calls
    assert set(got) == {"main", "max", "dash"}
    assert len(next(iter(got.values()))) == SCALE.days
    assert_same(got, manifest.totals)


@pytest.mark.parametrize("layout", ["sqlite", "jsonl"])
def test_one_day_with_history_and_alone_agree(
    history: tuple[Path, Manifest], alone: tuple[Path, Manifest], layout: str
) -> None:
    root, manifest = history
    start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC)
    expected = {a: {DAY.isoformat(): days[DAY.isoformat()]} for a, days in manifest.totals.items()}
    with_history, _ = read_totals(root / layout / "state", start, start + timedelta(days=1))
    assert_same(with_history, expected)
    by_itself, problems = read_totals(alone[0] / layout / "state", start, start + timedelta(days=1))
    assert problems.count == 0
    assert_same(by_itself, expected)
    assert_same(alone[1].totals, expected)  # the alone state holds nothing but that day's calls
    everything, _ = read_totals(alone[0] / layout / "state")
    assert_same(everything, expected)


def test_the_history_has_what_a_reader_must_handle(history: tuple[Path, Manifest]) -> None:
    root, manifest = history
    names = [p.name for p in (root / "jsonl" / "state" / "agents").glob("*/sessions/*")]
    assert any(".jsonl.reset." in n for n in names)
    assert any(".jsonl.deleted." in n for n in names)
    assert any(n.endswith(".trajectory.jsonl") for n in names)
    assert all(
        (root / "jsonl" / "state" / "agents" / a / "sessions" / "sessions.json").is_file()
        for a in manifest.agents
    )
    assert list((root / "jsonl" / "state" / "cron" / "runs").glob("*.jsonl"))
    zst = list((root / "sqlite" / "state" / "agents").glob("*/sessions/*.jsonl.deleted.*.zst"))
    assert zst
    assert manifest.stats["sqlite_archives"] == len(zst)
    assert manifest.stats["sqlite_zstd_rows"] > 0
    # Deleted sessions are calls too, but only in archives: transcript_events holds fewer.
    in_events = sum(r[0] for days in manifest.totals_in_events.values() for r in days.values())
    assert 0 < in_events < SCALE.calls
    scan = scan_workspace("main", root / "workspace", max_depth=3, problems=ProblemLog(base=root))
    assert len(scan.files) == manifest.stats["workspace"]["files"] == SCALE.files
    assert sum(f.size_bytes for f in scan.files) == manifest.stats["workspace"]["bytes"]


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value (list items folded into [])."""
    if isinstance(value, dict):
        out = {prefix}
        for k, v in value.items():
            out |= key_paths(v, f"{prefix}.{k}")
        return out
    if isinstance(value, list):
        return {prefix} | {p for v in value for p in key_paths(v, prefix + "[]")}
    return {prefix}


def kind(line: dict[str, Any]) -> str:
    message = line.get("message") or {}
    return "/".join(
        str(x)
        for x in (line.get("type"), message.get("role"), message.get("stopReason"), line.get("customType"))
        if x
    )


def shapes(lines: Iterator[str]) -> dict[str, set[frozenset[str]]]:
    out: dict[str, set[frozenset[str]]] = defaultdict(set)
    for text in lines:
        data = json.loads(text)
        out[kind(data)].add(frozenset(key_paths(data)))
    return out


def sqlite_lines(db: Path) -> Iterator[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for (text,) in conn.execute("SELECT event_json FROM transcript_events WHERE event_json IS NOT NULL"):
            yield text
    finally:
        conn.close()


def test_lines_have_the_shapes_of_real_openclaw_lines(history: tuple[Path, Manifest]) -> None:
    root, _ = history
    real9 = shapes(
        line for db in V9.glob("agents/*/agent/openclaw-agent.sqlite") for line in sqlite_lines(db)
    )
    real5 = shapes(
        line
        for path in V5.glob("agents/*/sessions/*.jsonl")
        if not path.name.endswith(".trajectory.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    )
    made9 = shapes(
        sqlite_lines(root / "sqlite" / "state" / "agents" / "main" / "agent" / "openclaw-agent.sqlite")
    )
    made5 = shapes(
        line
        for path in (root / "jsonl" / "state" / "agents" / "main" / "sessions").iterdir()
        if ".jsonl" in path.name and ".trajectory" not in path.name
        for line in path.read_text(encoding="utf-8").splitlines()
    )
    for made, real in ((made9, real9), (made5, real5)):
        assert {"session", "message/user", "message/assistant/stop", "message/assistant/toolUse"} <= set(made)
        for name, found in made.items():
            assert name in real, f"{name} is not a line kind OpenClaw wrote"
            assert found <= real[name], f"{name} lines differ in shape from the real ones"


def test_the_references_count_what_the_generator_wrote(history: tuple[Path, Manifest]) -> None:
    """DuckDB over the JSONL files, sqlite3 over transcript_events: the benchmark's yardsticks agree."""
    pytest.importorskip("duckdb")
    root, manifest = history
    duck = duckdb_reference(str(root / "jsonl" / "state"), threads=1)
    assert not compare(duck["totals"], manifest.totals)
    if shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 CLI")
    got = {}
    for agent in manifest.agents:
        db = root / "sqlite" / "state" / "agents" / agent / "agent" / "openclaw-agent.sqlite"
        out = subprocess.run(
            ["sqlite3", "-readonly", "-csv", str(db), SQLITE3_SQL],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        got[agent] = {r[0]: [int(x) for x in r[1:6]] + [float(r[6])] for r in csv.reader(out.splitlines())}
    # sqlite3 cannot inflate zstd rows or archives: it sees only the plain rows left in transcript_events.
    plain = sum(r[0] for days in got.values() for r in days.values())
    assert 0 < plain <= sum(r[0] for days in manifest.totals_in_events.values() for r in days.values())
