"""Generated cron stores with known ground truth: good jobs from the real samples, bad ones by mutation.

A *record* here is one cron job: an entry of `jobs.json` (with its `jobs-state.json` entry, in the
split-state era) or one `cron_jobs` row (`job_json` + `state_json`). Each carries what the reader
must do with it:

* ``kept``: the job is in the snapshot with the generated id, name, enabled flag, agent and state
  columns; nothing is reported. Unknown schedule and payload kinds, and schedule or payload values of
  an unknown shape, are kept verbatim (forward compatibility); a NUL is stored as U+FFFD by the writer.
* ``kept_reported``: the job is kept, its runtime state is not (wrong type, a count or time outside
  its column, not an object, not JSON), or its text held lone UTF-16 surrogates (replaced): reported
  at its row.
* ``skipped``: the job cannot be a row (no usable id, wrong types, an id or agent too long for a key,
  not an object, not JSON, not UTF-8, a second job with the same id): reported at its row and left out;
  the snapshot is then incomplete (no job is removed downstream), except for a repeated id.

A whole-store fault (jobs.json truncated, empty, not UTF-8, of the wrong shape; jobs-state.json
broken; state/openclaw.sqlite garbage or truncated) is reported on the file and makes the snapshot
incomplete; the jobs it hides are covered by that report.
"""

from __future__ import annotations

import copy
import functools
import json
import random
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mission_pipeline.openclaw.cron.jobs import CronSnapshot, read_cron_jobs
from mission_pipeline.openclaw.cron.schedule import MAX_KEY_CHARS
from mission_pipeline.openclaw.problems import Problem, ProblemLog
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline_tests.conftest import sample_dir

Expect = Literal["kept", "kept_reported", "skipped"]
DEFAULT_AGENT = "main"

KEPT_KINDS = (
    "job_real",
    "job_unknown_kinds",
    "job_odd_shapes",
    "job_disabled",
    "job_no_state",
    "job_extra_fields",
    "job_no_agent",
    "job_unicode",
    "job_big_payload",
    "job_nul_text",
    "job_state_at_limits",
    "job_display_name_only",
)
KEPT_REPORTED_KINDS = ("state_wrong_type", "state_out_of_range", "state_not_object", "lone_surrogate")
SKIPPED_KINDS = (
    "id_missing",
    "id_wrong_type",
    "id_empty",
    "id_too_long",
    "enabled_wrong_type",
    "name_wrong_type",
    "agent_wrong_type",
    "agent_too_long",
    "job_not_object",
)
FILES_ONLY_KINDS = ("duplicate_id",)
SQLITE_ONLY_KINDS = ("job_json_invalid", "job_json_not_utf8", "job_json_not_object", "state_json_invalid")
STORE_FAULTS = {
    "files": ("jobs_truncated", "jobs_empty", "jobs_not_utf8", "jobs_wrong_shape", "state_file_broken"),
    "sqlite": ("db_garbage", "db_truncated"),
}


@dataclass
class Job:
    """One generated job, where it sits and what the reader must do with it."""

    kind: str
    expect: Expect
    raw: Any  # job JSON value (files) or job_json bytes (SQLite)
    state: Any  # runtime state value (inline/split/state_json), or bytes for SQLite
    row: str = ""  # the problem's row: list index (files) or job_id column (SQLite)
    job_id: str | None = None
    name: str | None = None
    enabled: bool = True
    agent: str | None = None
    state_kept: bool = True
    next_run_ms: float | None = None
    consecutive_errors: int | None = None


@functools.cache
def _real_jobs() -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = []
    for version, name in (("v2026.5.28", "cron-list-all.json"), ("v2026.9.6", "cron-list-all.json")):
        data = json.loads((sample_dir(version) / "cli" / name).read_text(encoding="utf-8"))
        jobs += data["jobs"]
    return jobs


class CronMaker:
    """Jobs from the real samples' jobs with fresh ids, and their mutations."""

    def __init__(self, rng: random.Random, era: str) -> None:
        self.rng, self.era = rng, era
        self.real = _real_jobs()

    def uid(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def _base(self) -> tuple[dict[str, Any], dict[str, Any]]:
        job = copy.deepcopy(self.rng.choice(self.real))
        for key in ("configRevision", "nextRunAtMs", "effectiveAgentId", "status", "state"):
            job.pop(key, None)
        job["id"] = self.uid()
        job["name"] = f"fz {self.uid()[:10]}"
        job["agentId"] = self.rng.choice(("max", "dash", "main", "atlas"))
        job["enabled"] = self.rng.random() < 0.8
        state = {
            "nextRunAtMs": self.rng.randint(1_795_000_000_000, 1_800_000_000_000),
            "lastRunAtMs": self.rng.randint(1_790_000_000_000, 1_795_000_000_000),
            "lastRunStatus": self.rng.choice(("ok", "error", "skipped")),
            "lastDurationMs": self.rng.randint(0, 600_000),
            "consecutiveErrors": self.rng.randint(0, 9),
        }
        return job, state

    def job(self, kind: str) -> Job:
        rng = self.rng
        job: Any
        state: Any
        field_: str
        value: Any
        job, state = self._base()
        expect: Expect = "kept"
        state_kept = True
        if kind == "job_unknown_kinds":
            job["schedule"] = rng.choice(
                (
                    {"kind": "stream", "command": ["tail", "-F", "x.log"], "batchMs": 500},
                    {"kind": "on-exit", "command": "make build"},
                    {"kind": "quantum-" + self.uid()[:4], "superposition": True},
                )
            )
            job["payload"] = {"kind": rng.choice(("command", "webhook", "x-future")), "argv": ["./a.sh"]}
        elif kind == "job_odd_shapes":
            job[rng.choice(("schedule", "payload"))] = rng.choice(("every day", 5, [1, 2], None, True))
        elif kind == "job_disabled":
            job["enabled"] = False
            state = {}
        elif kind == "job_no_state":
            state = {}
        elif kind == "job_extra_fields":
            job["futureField"] = {"x": [1, {"y": None}]}
            state["futureState"] = "whatever"
        elif kind == "job_no_agent":
            del job["agentId"]
        elif kind == "job_unicode":
            job["name"] = "résumé 日本語 🚀 " + self.uid()[:6]
            job["payload"] = {"kind": "agentTurn", "message": "Grüße 👋 \u2028 line"}
        elif kind == "job_big_payload":
            job["payload"] = {"kind": "agentTurn", "message": "m" * rng.randint(10_000, 200_000)}
        elif kind == "job_nul_text":
            job["payload"] = {"kind": "agentTurn", "message": "before\x00after"}
        elif kind == "job_state_at_limits":
            state["consecutiveErrors"] = 2**31 - 1
            state["lastDurationMs"] = 2**62
            state["nextRunAtMs"] = 8_999_999_999_999
        elif kind == "job_display_name_only":
            job.pop("name")
            job["displayName"] = f"display {self.uid()[:8]}"
        elif kind == "state_wrong_type":
            field_, value = rng.choice(
                (
                    ("consecutiveErrors", "many"),
                    ("lastRunAtMs", "yesterday"),
                    ("nextRunAtMs", [1]),
                    ("lastRunStatus", 5),
                    ("lastDurationMs", {"ms": 1}),
                    ("lastError", ["x"]),
                )
            )
            state[field_] = value
            expect, state_kept = "kept_reported", False
        elif kind == "state_out_of_range":
            field_, value = rng.choice(
                (
                    ("consecutiveErrors", 10**12),
                    ("consecutiveErrors", -(2**40)),
                    ("lastDurationMs", 10**30),
                    ("lastDurationMs", 1e300),
                    ("nextRunAtMs", 10**15),
                    ("nextRunAtMs", -5),
                    ("lastRunAtMs", 1e300),
                    ("nextRunAtMs", 9_100_000_000_000),
                )
            )
            state[field_] = value
            expect, state_kept = "kept_reported", False
        elif kind == "state_not_object":
            state = rng.choice(("broken", 5, [1, 2], True))
            expect, state_kept = "kept_reported", False
        elif kind == "lone_surrogate":
            where = rng.choice(("name", "payload"))
            if where == "name":
                job["name"] = "cut emoji \ud83d " + self.uid()[:6]
            else:
                job["payload"] = {"kind": "agentTurn", "message": "half \udc00 of it"}
            expect = "kept_reported"
        elif kind in SKIPPED_KINDS or kind == "duplicate_id":
            expect = "skipped"
            if kind == "id_missing":
                del job["id"]
            elif kind == "id_wrong_type":
                job["id"] = rng.choice((5, None, ["a"], {"id": "a"}, True))
            elif kind == "id_empty":
                job["id"] = ""
            elif kind == "id_too_long":
                job["id"] = self.uid() * (MAX_KEY_CHARS // 32 + 1)
            elif kind == "enabled_wrong_type":
                job["enabled"] = rng.choice(("maybe", [True], {"on": 1}, 2))
            elif kind == "name_wrong_type":
                job["name"] = rng.choice((5, ["a"], {"n": 1}, True))
            elif kind == "agent_wrong_type":
                job["agentId"] = rng.choice((5, ["max"], {"a": 1}))
            elif kind == "agent_too_long":
                job["agentId"] = "a" + self.uid() * (MAX_KEY_CHARS // 32 + 1)
            elif kind == "job_not_object":
                job = rng.choice(("not a job", 5, None, ["id", "x"], True))
        elif kind in SQLITE_ONLY_KINDS:
            pass  # shaped when written
        elif kind != "job_real":
            raise AssertionError(kind)
        return self._finish(kind, expect, job, state, state_kept)

    def _finish(self, kind: str, expect: Expect, job: Any, state: Any, state_kept: bool) -> Job:
        record = Job(kind, expect, job, state, state_kept=state_kept)
        if isinstance(job, dict) and expect != "skipped":
            record.job_id = job["id"]
            name = job.get("name") or job.get("displayName") or job["id"]
            record.name = name.replace("\ud83d", "\ufffd").replace("\udc00", "\ufffd")
            record.enabled = job.get("enabled", True)
            record.agent = job.get("agentId") or DEFAULT_AGENT
            if state_kept and isinstance(state, dict):
                record.next_run_ms = state.get("nextRunAtMs")
                record.consecutive_errors = state.get("consecutiveErrors")
        return record


# --- writing a store ------------------------------------------------------------------------------


@dataclass
class CronExample:
    state: Path
    era: Literal["files", "sqlite"]
    jobs: list[Job]
    split_state: bool = False
    faults: list[str] = field(default_factory=list)

    @property
    def store(self) -> str:
        return "cron/jobs.json" if self.era == "files" else "state/openclaw.sqlite"

    def cases(self) -> Counter[str]:
        tally: Counter[str] = Counter(f"{self.era}:{j.kind}" for j in self.jobs)
        tally.update(f"fault:{f}" for f in self.faults)
        return tally


def build_cron_example(
    root: Path, rng: random.Random, era: str, kinds: list[str], faults: list[str]
) -> CronExample:
    maker = CronMaker(rng, era)
    jobs = [maker.job(kind) for kind in kinds if not (era == "sqlite" and kind == "duplicate_id")]
    state = root / "state"
    (state / "cron").mkdir(parents=True)
    (state / "openclaw.json").write_text("{}\n")  # every OpenClaw state directory has one
    example = CronExample(state, "files" if era == "files" else "sqlite", jobs)
    if era == "files":
        _duplicates(rng, jobs)
        example.split_state = rng.random() < 0.5
        _write_files(example)
    else:
        _write_sqlite(example, rng)
    for fault in faults:
        _fault(example, fault, rng)
    return example


def _duplicates(rng: random.Random, jobs: list[Job]) -> None:
    for index, job in enumerate(jobs):
        if job.kind == "duplicate_id":
            earlier = [j for j in jobs[:index] if j.expect != "skipped" and isinstance(j.raw, dict)]
            if earlier:
                job.raw["id"] = rng.choice(earlier).raw["id"]
            else:
                job.kind, job.expect = "id_missing", "skipped"
                job.raw.pop("id", None)


def dumps(value: Any) -> bytes:
    """JSON as OpenClaw writes it: UTF-8, and lone surrogates as \\uXXXX escapes (well-formed stringify)."""
    text = json.dumps(value, ensure_ascii=False)
    return _LONE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode("utf-8")


_LONE = re.compile("[\ud800-\udfff]")


def _write_files(example: CronExample) -> None:
    entries: list[Any] = []
    split: dict[str, Any] = {}
    for index, job in enumerate(example.jobs):
        job.row = str(index)
        raw = copy.deepcopy(job.raw)
        if isinstance(raw, dict) and job.kind != "job_no_state":
            job_id = raw.get("id")
            # A repeated id keeps its state inline: jobs-state.json has one entry per id.
            if (
                example.split_state
                and job.kind != "duplicate_id"
                and isinstance(job_id, str)
                and job_id not in split
            ):
                split[job_id] = {"updatedAtMs": 1_795_754_084_271, "state": job.state}
                raw["state"] = {}
            else:
                raw["state"] = job.state
        entries.append(raw)
    (example.state / "cron" / "jobs.json").write_bytes(dumps({"version": 1, "jobs": entries}))
    if example.split_state:
        (example.state / "cron" / "jobs-state.json").write_bytes(dumps({"version": 1, "jobs": split}))


def _octet_length(value: object) -> int | None:
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass"))
    return len(value) if isinstance(value, bytes) else None


def _cron_schema() -> str:
    db = SAMPLE_STATE / "state" / "openclaw.sqlite"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cron_jobs'"
        ).fetchone()
    finally:
        conn.close()
    return str(row[0])


def _write_sqlite(example: CronExample, rng: random.Random) -> None:
    path = example.state / "state" / "openclaw.sqlite"
    path.parent.mkdir(parents=True)
    store_key = str(example.state / "cron" / "jobs.json")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("octet_length", 1, _octet_length, deterministic=True)
    try:
        conn.execute(_cron_schema())
        conn.execute("BEGIN")
        for order, job in enumerate(example.jobs):
            column_id = job.raw.get("id") if isinstance(job.raw, dict) else None
            if not isinstance(column_id, str) or not column_id or len(column_id) > MAX_KEY_CHARS:
                column_id = f"col-{rng.getrandbits(64):016x}"
            job.row = column_id
            raw = copy.deepcopy(job.raw)
            if isinstance(raw, dict):
                raw["state"] = {}
            job_bytes, state_bytes = dumps(raw), dumps(job.state)
            if job.kind == "job_json_invalid":
                job_bytes = job_bytes[: rng.randint(1, len(job_bytes) - 1)]
            elif job.kind == "job_json_not_utf8":
                job_bytes = job_bytes.replace(b'"name": "', b'"name": "\xff\xfe', 1)
            elif job.kind == "job_json_not_object":
                job_bytes = rng.choice((b"[1, 2]", b'"job"', b"5", b"null"))
            elif job.kind == "state_json_invalid":
                state_bytes = rng.choice((state_bytes[:-1], b"{oops", b"\xff{}", b"[]"))
            if job.kind in ("job_json_invalid", "job_json_not_utf8", "job_json_not_object"):
                job.expect, job.job_id = "skipped", None
            if job.kind == "state_json_invalid":
                job.expect, job.state_kept, job.next_run_ms, job.consecutive_errors = (
                    "kept_reported",
                    False,
                    None,
                    None,
                )
            conn.execute(
                "INSERT INTO cron_jobs (store_key, job_id, name, enabled, agent_id, payload_kind, job_json,"
                " state_json, sort_order, updated_at) VALUES (?, ?, 'x', 1, NULL, 'agentTurn',"
                " CAST(? AS TEXT), CAST(? AS TEXT), ?, ?)",
                (store_key, column_id, job_bytes, state_bytes, order, 1_795_754_084_271),
            )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _fault(example: CronExample, fault: str, rng: random.Random) -> None:
    example.faults.append(fault)
    cron = example.state / "cron"
    if fault == "jobs_truncated":
        data = (cron / "jobs.json").read_bytes()
        (cron / "jobs.json").write_bytes(data[: rng.randint(1, len(data) - 1)])
    elif fault == "jobs_empty":
        (cron / "jobs.json").write_bytes(b"")
    elif fault == "jobs_not_utf8":
        data = (cron / "jobs.json").read_bytes()
        at = rng.randint(1, len(data) - 1)
        (cron / "jobs.json").write_bytes(data[:at] + b"\xff" + data[at:])
    elif fault == "jobs_wrong_shape":
        (cron / "jobs.json").write_text(rng.choice(('{"version": 1, "jobs": {"a": 1}}', "5", '"jobs"', "{}")))
    elif fault == "state_file_broken":
        path = cron / "jobs-state.json"
        data = path.read_bytes() if path.exists() else b'{"version": 1, "jobs": {}}'
        path.write_bytes(data[: rng.randint(1, len(data) - 1)])
    elif fault == "db_garbage":
        (example.state / "state" / "openclaw.sqlite").write_bytes(b"not a database" + rng.randbytes(4000))
    elif fault == "db_truncated":
        path = example.state / "state" / "openclaw.sqlite"
        data = path.read_bytes()
        path.write_bytes(data[: rng.randint(1, max(1, len(data) // 4096 - 1)) * 4096])
    else:
        raise AssertionError(fault)


# --- judging --------------------------------------------------------------------------------------


@dataclass
class CronVerdict:
    kept: int = 0
    reported: int = 0
    covered: int = 0
    errors: list[str] = field(default_factory=list)


def read_cron_example(example: CronExample) -> tuple[CronSnapshot, ProblemLog]:
    problems = ProblemLog(base=example.state, keep=1_000_000)
    snapshot = read_cron_jobs(
        example.state, cli_command=None, problems=problems, default_agent_id=DEFAULT_AGENT
    )
    return snapshot, problems


def judge_cron(example: CronExample, snapshot: CronSnapshot, problems: list[Problem]) -> CronVerdict:
    verdict = CronVerdict()
    # A store that could not be read names itself (no row); then every job is covered by that report,
    # no job may be removed downstream, and what was read must still be right.
    store_failed = any(p.path == example.store and p.row is None for p in problems)
    if store_failed and snapshot.complete:
        verdict.errors.append(
            f"snapshot complete although the store was reported unreadable ({example.faults})"
        )
    if any(f.startswith("jobs_") for f in example.faults) and not store_failed:
        verdict.errors.append(
            f"{example.faults} not reported on {example.store}: {[str(p) for p in problems]}"
        )
    store_faults = ["store"] if store_failed else []
    by_row: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        by_row.setdefault((p.path, p.row or ""), []).append(p)
    got = {job.job_id: job for job in snapshot.jobs}
    if len(got) != len(snapshot.jobs):
        verdict.errors.append("a job id appears twice in the snapshot")
    expected_ids: set[str] = set()
    for job in example.jobs:
        reported = bool(by_row.get((example.store, job.row))) or (
            example.split_state and bool(by_row.get(("cron/jobs-state.json", str(job.job_id))))
        )
        if store_faults:
            verdict.covered += 1
            if job.expect != "skipped" and job.job_id in got:
                _compare(
                    job, got[job.job_id], verdict, state_expected="state_file_broken" not in example.faults
                )
            continue
        if job.expect == "skipped":
            if not reported:
                verdict.errors.append(f"skipped job not reported: row {job.row} {job.kind}")
            else:
                verdict.reported += 1
            continue
        assert job.job_id is not None
        expected_ids.add(job.job_id)
        if job.job_id not in got:
            verdict.errors.append(f"good job missing: row {job.row} {job.kind}")
            continue
        verdict.kept += 1
        _compare(job, got[job.job_id], verdict, state_expected="state_file_broken" not in example.faults)
        state_hidden = example.split_state and "state_file_broken" in example.faults
        if job.expect == "kept_reported" and state_hidden and job.kind.startswith("state_"):
            verdict.covered += 1  # its state sat in the broken jobs-state.json, reported as a file
        elif job.expect == "kept_reported":
            if reported:
                verdict.reported += 1
            else:
                verdict.errors.append(f"kept job's problem not reported: row {job.row} {job.kind}")
        elif reported and job.kind != "duplicate_id":
            verdict.errors.append(
                f"good job reported: row {job.row} {job.kind}: {by_row[(example.store, job.row)]}"
            )
    if not store_faults:
        extra = set(got) - expected_ids
        if extra:
            verdict.errors.append(f"jobs that should not be there: {sorted(extra)[:5]}")
        skipped = any(j.expect == "skipped" and j.kind != "duplicate_id" for j in example.jobs)
        broken_state = "state_file_broken" in example.faults
        if snapshot.complete != (not skipped and not broken_state):
            verdict.errors.append(
                f"complete={snapshot.complete} with skipped={skipped} state_broken={broken_state}"
            )
    return verdict


def _compare(job: Job, record: Any, verdict: CronVerdict, *, state_expected: bool) -> None:
    if record.name != job.name:
        verdict.errors.append(f"{job.kind}: name {record.name!r} != {job.name!r}")
    if record.enabled != job.enabled or record.agent_id != job.agent:
        verdict.errors.append(
            f"{job.kind}: enabled/agent {record.enabled}/{record.agent_id} != {job.enabled}/{job.agent}"
        )
    if not state_expected:
        return
    next_ms = None if record.next_run is None else round(record.next_run.timestamp() * 1000)
    if next_ms != job.next_run_ms or record.consecutive_errors != job.consecutive_errors:
        verdict.errors.append(
            f"{job.kind}: state {next_ms}/{record.consecutive_errors}"
            f" != {job.next_run_ms}/{job.consecutive_errors}"
        )
