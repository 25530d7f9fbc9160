"""Bad input in transcripts: every good call counted exactly once, every bad record reported where it is.

Sizes: the Hypothesis fuzz runs 60 generated state directories by default (>= 12,000 records and file
faults), 600 with MISSION_PIPELINE_FULL_RELIABILITY=1. See `fuzz_transcripts` for what a record is.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.transcripts import jsonl
from mission_pipeline.openclaw.usage.read import read_usage_events
from mission_pipeline_tests.reliability.fuzz_figures import fuzz_settings, record_figures, size
from mission_pipeline_tests.reliability.fuzz_transcripts import (
    BAD_KINDS,
    DAY_END,
    DAY_START,
    FILE_FAULTS,
    FUZZ_LINE_LIMIT,
    GOOD_KINDS,
    JSONL_ONLY_KINDS,
    NONE_KINDS,
    SQLITE_ONLY_KINDS,
    Example,
    Maker,
    Record,
    build_example,
    judge,
    read_example,
    write_db,
    write_file,
)

pytestmark = pytest.mark.slow

EXAMPLES = size(60, 600)
MIN_CASES = size(10_000, 100_000)
# Weights: about 45% good calls, 20% well-formed non-calls, 35% bad records.
_COMMON = [*GOOD_KINDS * 6, *NONE_KINDS * 3, *BAD_KINDS * 3]
KINDS = {
    "sqlite": _COMMON + [*SQLITE_ONLY_KINDS] * 3,
    "jsonl": _COMMON + [*JSONL_ONLY_KINDS] * 3,
    "reset": _COMMON + [*JSONL_ONLY_KINDS] * 2,
    "deleted_zst": _COMMON,
}


@dataclass(frozen=True)
class Plan:
    seed: int
    kinds: dict[str, list[str]]
    faults: list[str]
    duplicates: int


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    kinds = {
        source: draw(st.lists(st.sampled_from(choices), min_size=50, max_size=80))
        for source, choices in KINDS.items()
    }
    faults = draw(st.lists(st.sampled_from(FILE_FAULTS), max_size=2, unique=True))
    return Plan(draw(st.integers(0, 2**32 - 1)), kinds, faults, draw(st.integers(0, 6)))


@pytest.fixture
def short_line_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 64 KiB line limit, so "too long" records stay cheap (the 50 MB line has its own test)."""
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", FUZZ_LINE_LIMIT)


@pytest.fixture
def scratch() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="mp-fuzz-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def test_fuzzed_transcripts_count_every_good_call_once_and_report_every_bad_record(
    short_line_limit: None, scratch: Path
) -> None:
    tally: Counter[str] = Counter()
    outcome: Counter[str] = Counter()

    @fuzz_settings(EXAMPLES)
    @given(plans())
    def one(plan: Plan) -> None:
        root = Path(tempfile.mkdtemp(dir=scratch))
        try:
            example = build_example(root, random.Random(plan.seed), plan.kinds, plan.faults, plan.duplicates)
            events, problems = read_example(example)
            verdict = judge(example, events, list(problems))
            assert verdict.errors == [], "\n".join(verdict.errors[:20])
        finally:
            shutil.rmtree(root, ignore_errors=True)
        tally.update(example.cases())
        outcome.update(
            examples=1, counted=verdict.counted, reported=verdict.reported, covered=verdict.covered
        )

    one()
    cases = sum(tally.values())
    assert cases >= MIN_CASES
    record_figures(
        "fuzz_transcripts",
        {
            "cases_tried": cases,
            "cases_held": cases,  # the test fails on the first case that does not hold
            "examples": outcome["examples"],
            "calls_counted_once": outcome["counted"],
            "bad_records_reported_at_their_line_or_row": outcome["reported"],
            "records_inside_a_reported_file_fault": outcome["covered"],
            "by_kind": dict(sorted(tally.items())),
        },
    )


FAULT_SEEDS = size(6, 60)


def test_each_file_fault_reports_its_file_and_loses_nothing_else(
    short_line_limit: None, scratch: Path
) -> None:
    """Every whole-file fault, on mixed records: what the fault hides is covered by one report."""
    tally: Counter[str] = Counter()
    for fault in FILE_FAULTS:
        for seed in range(FAULT_SEEDS):
            rng = random.Random(f"{fault}-{seed}")
            kinds = {source: [rng.choice(choices) for _ in range(30)] for source, choices in KINDS.items()}
            root = Path(tempfile.mkdtemp(dir=scratch))
            try:
                example = build_example(root, random.Random(seed), kinds, [fault], rng.randint(0, 4))
                events, problems = read_example(example)
                verdict = judge(example, events, list(problems))
                assert verdict.errors == [], f"{fault} seed {seed}:\n" + "\n".join(verdict.errors[:20])
                if fault != "unlinked_while_open":  # POSIX: an open file reads to its end
                    assert any(p.path == example.faults[fault] for p in problems), f"{fault} not reported"
            finally:
                shutil.rmtree(root, ignore_errors=True)
            tally[fault] += 1
            tally["records"] += sum(len(s.records) for s in example.sources)
    faults = sum(tally[f] for f in FILE_FAULTS)
    record_figures(
        "fuzz_file_faults",
        {"cases_tried": faults, "cases_held": faults, "records_around_them": tally["records"],
         "by_fault": {f: tally[f] for f in FILE_FAULTS}},
    )  # fmt: skip


# --- the named cases, one by one -----------------------------------------------------------------


def _example(tmp: Path, kinds: dict[str, list[str]], seed: int = 7) -> Example:
    base = {"sqlite": ["call"] * 5, "jsonl": ["call"] * 5, "reset": ["call"] * 5, "deleted_zst": ["call"] * 5}
    return build_example(tmp, random.Random(seed), {**base, **kinds}, [], 0)


def _assert_holds(example: Example) -> tuple[int, int]:
    events, problems = read_example(example)
    verdict = judge(example, events, list(problems))
    assert verdict.errors == [], "\n".join(verdict.errors)
    return verdict.counted, verdict.reported


def test_a_50_mb_line_is_reported_and_its_neighbours_counted(tmp_path: Path) -> None:
    """The real limit (16 MiB): a 50 MB line in a JSONL file, a reset archive, a zstd archive, a row."""
    maker = Maker(random.Random(50))
    big_line, _ = maker.call_line()
    big_line["message"]["content"] = [{"type": "text", "text": "x" * (50 * 1024 * 1024)}]
    big = Record("too_long", json.dumps(big_line).encode(), "bad")
    example = _example(tmp_path, {})
    _insert_and_rewrite(example, big)
    counted, reported = _assert_holds(example)
    assert (counted, reported) == (20, 4)
    record_figures(
        "fuzz_50mb_line",
        {"cases_tried": 4, "cases_held": 4, "sources": "jsonl, reset, deleted .zst, sqlite row"},
    )


def _insert_and_rewrite(example: Example, record: Record) -> None:
    rng = random.Random(3)
    for source in example.sources:
        source.records.insert(2, record)
        source.where = []
        path = example.state / source.path
        path.unlink()
        if source.kind == "sqlite":
            write_db(path, source, rng)
        else:
            write_file(path, source)


def test_every_page_of_an_agent_database_corrupted_in_turn(tmp_path: Path) -> None:
    """Each page of a real-schema database overwritten with garbage: no silent loss, no crash."""
    kinds = {"sqlite": ["call", "other_line", "call_no_response_id", "truncated"] * 40}
    template = _example(tmp_path / "template", kinds)
    db = template.state / template.sources[0].path
    data = db.read_bytes()
    page = 4096
    pages = len(data) // page
    rng = random.Random(11)
    outcomes: Counter[str] = Counter()
    for number in range(pages):  # the header page (0) too
        for fill in ("random", "zeros"):
            root = tmp_path / f"p{number}-{fill}"
            shutil.copytree(template.state, root / "state")
            example = Example(root / "state", template.sources, {})
            broken = bytearray(data)
            junk = rng.randbytes(page) if fill == "random" else bytes(page)
            broken[number * page : (number + 1) * page] = junk
            (example.state / template.sources[0].path).write_bytes(bytes(broken))
            example.faults["db_page"] = template.sources[0].path
            events, problems = read_example(example)
            verdict = judge(example, events, list(problems))
            assert verdict.errors == [], f"page {number} ({fill}): " + "\n".join(verdict.errors[:10])
            outcomes[
                "reported" if any(p.path == template.sources[0].path for p in problems) else "clean"
            ] += 1
            shutil.rmtree(root)
    tried = sum(outcomes.values())
    record_figures(
        "fuzz_sqlite_pages",
        {"cases_tried": tried, "cases_held": tried, "pages": pages, "outcomes": dict(outcomes)},
    )


def test_corrupt_zstd_file_falls_back_to_the_copy_in_the_database(tmp_path: Path) -> None:
    """A published deleted-session archive cut short: its BLOB copy in SQLite supplies the rest, once."""
    example = _example(tmp_path, {"deleted_zst": ["call", "other_line"] * 20})
    zst = example.sources[3]
    path = example.state / zst.path
    body = b"\n".join(r.data or b"" for r in zst.records) + b"\n"
    blob = zstandard.ZstdCompressor().compress(body)
    path.write_bytes(blob[: len(blob) // 2])
    conn = sqlite3.connect(example.state / example.sources[0].path)
    with conn:
        conn.execute(
            "INSERT INTO session_transcript_archives (session_id, generation, session_key, reason, encoding,"
            " archive_blob, archive_sha256, archive_name, created_at) VALUES (?, 'g1', ?, 'deleted', 'zstd',"
            " ?, ?, ?, ?)",
            (zst.session_id, "agent:sq:gone", blob, "0" * 64, path.name, int(DAY_END.timestamp() * 1000)),
        )
    conn.close()
    problems = ProblemLog(base=example.state)
    events = list(read_usage_events(example.state, start=DAY_START, end=DAY_END, problems=problems))
    keys = Counter(
        e.response_id for e in events if e.source_path.endswith((".zst", "gone")) or "#" in e.source_path
    )
    expected = {r.call.key for r in zst.records if r.call}
    from_archive = {e.response_id for e in events if zst.session_id == e.session_id}
    assert from_archive == expected
    assert all(n == 1 for n in Counter(e.event_id for e in events).values())
    assert [p.path for p in problems] == [zst.path]
    assert "truncated" in next(iter(problems)).message or "corrupt" in next(iter(problems)).message
    assert keys  # some lines came from the file, the rest from the database copy
    record_figures("fuzz_zstd_db_copy", {"cases_tried": 1, "cases_held": 1, "calls": len(expected)})
