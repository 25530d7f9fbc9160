"""Generated transcripts with known ground truth: good records from real sample lines, bad ones by mutation.

A *record* is one non-blank JSONL line or one `transcript_events` row. Every record the generator
writes carries what the reader must do with it:

* ``call``: a well-formed assistant line with usage (a model call). Counted exactly once: the first
  copy in read order (SQLite rows, then live JSONL, then archives; lines in order) wins.
* ``none``: a well-formed record that is no call in this window (user/tool/custom/session lines,
  unknown line types, a provider error with zero usage, OpenClaw's synthetic `provider:"openclaw"`
  lines, a call outside the window, a second copy of a call). Neither counted nor reported.
* ``bad``: a record that is not UTF-8 JSON, or names no line type, or is a message without a role,
  or an assistant message whose usage cannot be read (wrong types, negative or huge counts, missing
  usage or time, text PostgreSQL cannot store), or is longer than the line limit. Reported with its
  file and line (or row), never counted.

Whole-file faults (a truncated or garbage zstd archive, a garbage or truncated SQLite file, a file
that vanishes, an I/O error mid-read) make the rest of that file or database unreadable: what lies
there is then *covered* by one report naming the file (and, for a database, the session or none).

Strategies draw the structure (which kinds, where, which faults); a seeded `random.Random` fills in
the values, so an example stays cheap while Hypothesis still explores and shrinks the structure.
"""

from __future__ import annotations

import copy
import errno
import functools
import json
import random
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, Literal, cast
from unittest import mock

import zstandard

from mission_pipeline.openclaw.problems import Problem, ProblemLog
from mission_pipeline.openclaw.text import escape_undecodable
from mission_pipeline.openclaw.transcripts import jsonl, store_files
from mission_pipeline.openclaw.usage.events import UsageEvent
from mission_pipeline.openclaw.usage.read import read_usage_events
from mission_pipeline.openclaw.usage.schema import MAX_COST_USD, MAX_TEXT, MAX_TOKENS
from mission_pipeline.sample import SAMPLE_STATE
from mission_pipeline_tests.conftest import sample_state

Expect = Literal["call", "none", "bad"]

DAY_START = datetime(2026, 11, 20, tzinfo=UTC)
DAY_END = DAY_START + timedelta(days=1)
START_MS = int(DAY_START.timestamp() * 1000)
END_MS = int(DAY_END.timestamp() * 1000)
# The fuzz lowers the line limit so "too long" lines stay cheap; the 50 MB line has its own test.
FUZZ_LINE_LIMIT = 64 * 1024

SQLITE_AGENT = "sq"  # 2026.9.6 layout: agent database + a deleted-session zstd archive
FILE_AGENT = "fl"  # 2026.5.28 layout: a live JSONL transcript + a reset archive

GOOD_KINDS = (
    "call",
    "call_no_response_id",
    "call_line_time_only",
    "call_message_time_only",
    "call_edge_values",
    "call_extra_fields",
    "call_window_first_ms",
    "call_window_last_ms",
)
NONE_KINDS = (
    "other_line",
    "error_turn",
    "synthetic_openclaw",
    "unknown_line_type",
    "user_mentions_assistant",
    "outside_window",
)
BAD_KINDS = (
    "truncated",
    "crash_merged",
    "invalid_json",
    "not_utf8",
    "wrong_type",
    "negative_count",
    "huge_count",
    "non_finite_number",
    "missing_field",
    "unstorable_text",
    "too_long",
)
JSONL_ONLY_KINDS = ("blank",)
SQLITE_ONLY_KINDS = ("zstd_row_corrupt", "row_without_value")
FILE_FAULTS = (
    "zst_truncated",
    "zst_empty",
    "zst_garbage",
    "db_garbage",
    "db_truncated",
    "vanished_before_open",
    "eio_mid_read",
    "unlinked_while_open",
)


# --- real lines -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Templates:
    """Real transcript lines of both sample versions, as parsed JSON."""

    calls: tuple[dict[str, Any], ...]
    errors: tuple[dict[str, Any], ...]
    others: tuple[dict[str, Any], ...]


def _sample_lines() -> Iterator[bytes]:
    for version in ("v2026.5.28", "v2026.9.6"):
        state = sample_state(version)
        for path in sorted(state.glob("agents/*/sessions/*")):
            name = path.name
            if not path.is_file() or ".trajectory" in name or ".jsonl" not in name:
                continue
            data = path.read_bytes()
            if name.endswith(".zst"):
                data = zstandard.ZstdDecompressor().decompressobj().decompress(data)
            yield from (line for line in data.split(b"\n") if line.strip())
        for db in sorted(state.glob("agents/*/agent/openclaw-agent.sqlite")):
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                rows = conn.execute("SELECT event_json FROM transcript_events ORDER BY session_id, seq")
                yield from (str(row[0]).encode() for row in rows)
            finally:
                conn.close()


@functools.cache
def templates() -> Templates:
    calls: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for raw in _sample_lines():
        line = json.loads(raw)
        message = line.get("message") if isinstance(line.get("message"), dict) else {}
        if message.get("role") == "assistant":
            usage = message["usage"]
            counts = [usage.get(k, 0) for k in ("input", "output", "cacheRead", "cacheWrite")]
            (calls if any(counts) else errors).append(line)
        else:
            others.append(line)
    assert calls and errors and others
    return Templates(tuple(calls), tuple(errors), tuple(others))


@functools.cache
def sqlite_schema() -> tuple[str, ...]:
    """The real 2026.9.6 agent-database statements for the tables the reader touches."""
    db = SAMPLE_STATE / "agents" / "max" / "agent" / "openclaw-agent.sqlite"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    wanted = ("transcript_events", "session_windows", "session_transcript_archives")
    try:
        rows = conn.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN (?, ?, ?)"
            " AND type IN ('table', 'index') ORDER BY type = 'index', name",
            wanted,
        ).fetchall()
    finally:
        conn.close()
    return tuple(str(r[0]) for r in rows)


# --- records --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """What the reader must yield for a good call."""

    key: str  # identifies the call across copies (its responseId, or its unique message time)
    input: int
    output: int
    cache_read: int
    cache_write: int
    cost: float | None
    occurred_ms: int


@dataclass
class Record:
    """One line or row and what the reader must do with it."""

    kind: str
    data: bytes | None  # None: a SQLite row with no value at all
    expect: Expect
    call: Call | None = None
    compressed: bool = False  # SQLite: stored as event_zstd
    zstd_blob: bytes | None = None  # SQLite: an explicit (corrupt) event_zstd value


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class Maker:
    """Builds records from real lines with fresh ids and values, all from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.t = templates()
        self._stamp = START_MS + 60_000

    def uid(self) -> str:
        a, b, c, d, e = (self.rng.getrandbits(n) for n in (32, 16, 12, 12, 48))
        return f"{a:08x}-{b:04x}-4{c:03x}-8{d:03x}-{e:012x}"

    def in_window_ms(self) -> int:
        # Strictly increasing: every call's message time is unique, so are ids derived from it.
        self._stamp += self.rng.randint(1, 9_000)
        assert self._stamp < END_MS - 60_000, "too many records for one day"
        return self._stamp

    def _fresh(self, line: dict[str, Any], ms: int) -> dict[str, Any]:
        line = copy.deepcopy(line)
        line["id"] = self.uid()[: self.rng.choice((8, 36))]
        if "parentId" in line:
            line["parentId"] = self.uid()[:8]
        line["timestamp"] = _iso(ms)
        message = line.get("message")
        if isinstance(message, dict) and "timestamp" in message:
            message["timestamp"] = ms - self.rng.randint(0, 50)
        return line

    def call_line(self, ms: int | None = None, *, response_id: bool = True) -> tuple[dict[str, Any], Call]:
        ms = self.in_window_ms() if ms is None else ms
        line = self._fresh(self.rng.choice(self.t.calls), ms)
        message = line["message"]
        message["timestamp"] = ms  # the key of calls without a responseId
        counts = [
            self.rng.choice((0, self.rng.randint(1, 5000), self.rng.randint(1, 2_000_000))) for _ in "ioRW"
        ]
        if not any(counts):
            counts[1] = self.rng.randint(1, 900)
        usage = message["usage"]
        for name, value in zip(("input", "output", "cacheRead", "cacheWrite"), counts, strict=True):
            usage[name] = value
        usage["totalTokens"] = sum(counts)
        cost: float | None = round(self.rng.uniform(0, 3), 9)
        if self.rng.random() < 0.1:
            usage.pop("cost", None)
            cost = None
        else:
            usage["cost"] = {**usage.get("cost", {}), "total": cost}
        key = f"msg_fz{self.uid().replace('-', '')}"
        if response_id:
            message["responseId"] = key
        else:
            message.pop("responseId", None)
            key = f"t{ms}"
        return line, Call(key, counts[0], counts[1], counts[2], counts[3], cost, ms)

    def record(self, kind: str) -> Record:
        rng = self.rng
        if kind == "call":
            line, call = self.call_line()
            return Record(kind, _dump(line), "call", call)
        if kind == "call_no_response_id":
            line, call = self.call_line(response_id=False)
            return Record(kind, _dump(line), "call", call)
        if kind == "call_line_time_only":
            line, call = self.call_line()
            del line["message"]["timestamp"]
            return Record(kind, _dump(line), "call", call)
        if kind == "call_message_time_only":
            line, call = self.call_line()
            del line["timestamp"]
            return Record(kind, _dump(line), "call", call)
        if kind in ("call_window_first_ms", "call_window_last_ms"):
            ms = START_MS if kind == "call_window_first_ms" else END_MS - 1
            line, call = self.call_line(ms)
            return Record(kind, _dump(line), "call", call)
        if kind == "call_edge_values":
            line, call = self.call_line()
            message, usage = line["message"], line["message"]["usage"]
            field_ = rng.choice(("input", "output", "cacheRead", "cacheWrite"))
            usage[field_] = MAX_TOKENS
            usage["cost"] = {"total": MAX_COST_USD}
            message["model"] = ("模型-" * MAX_TEXT)[:MAX_TEXT]
            message.pop("provider", None)
            message["stopReason"] = rng.choice(("toolUse", "length", "stop"))
            i, o, r, w = (usage[k] for k in ("input", "output", "cacheRead", "cacheWrite"))
            call = Call(call.key, i, o, r, w, MAX_COST_USD, call.occurred_ms)
            return Record(kind, _dump(line), "call", call)
        if kind == "call_extra_fields":
            line, call = self.call_line()
            line["futureField"] = {"nested": [1, 2, {"assistant": True}]}
            line["message"]["usage"]["reasoning"] = rng.randint(0, 100)
            line["message"]["thinkingSignature"] = "x" * rng.randint(0, 300)
            return Record(kind, _dump(line), "call", call)
        if kind == "other_line":
            return Record(kind, _dump(self._fresh(rng.choice(self.t.others), self.in_window_ms())), "none")
        if kind == "error_turn":
            return Record(kind, _dump(self._fresh(rng.choice(self.t.errors), self.in_window_ms())), "none")
        if kind == "synthetic_openclaw":
            line, _ = self.call_line()
            line["message"]["provider"] = "openclaw"
            line["message"]["model"] = rng.choice(("delivery-mirror", "gateway-injected", "acp-runtime"))
            return Record(kind, _dump(line), "none")
        if kind == "unknown_line_type":
            line = {
                "type": rng.choice(("branch_summary", "compaction", "label", "x-future-" + self.uid()[:4])),
                "id": self.uid()[:8],
                "timestamp": _iso(self.in_window_ms()),
                "data": {"role": "assistant", "usage": {"input": 5}, "note": "assistant"},
            }
            return Record(kind, _dump(line), "none")
        if kind == "user_mentions_assistant":
            line = self._fresh(
                next(o for o in self.t.others if o.get("type") == "message"), self.in_window_ms()
            )
            line["message"]["content"] = [{"type": "text", "text": 'the "assistant" said {"usage":1}'}]
            return Record(kind, _dump(line), "none")
        if kind == "outside_window":
            ms = rng.choice((START_MS - 1, END_MS, START_MS - 30 * 60_000, END_MS + 2 * 86_400_000))
            line, _ = self.call_line(ms)
            return Record(kind, _dump(line), "none")
        if kind == "blank":
            return Record(kind, rng.choice((b"", b" ", b"\t ")), "none")
        return self._bad(kind)

    def _any_line(self) -> bytes:
        if self.rng.random() < 0.6:
            return _dump(self.call_line()[0])
        return _dump(self._fresh(self.rng.choice(self.t.others), self.in_window_ms()))

    def _bad(self, kind: str) -> Record:
        rng = self.rng
        if kind == "truncated":
            data = self._any_line()
            return Record(kind, data[: rng.randint(1, len(data) - 1)], "bad")
        if kind == "crash_merged":
            # A write cut short by a crash, then the next line appended right after it.
            first = self._any_line()
            data = first[: rng.randint(1, len(first) - 1)] + self._any_line()
            return Record(kind, data, "bad") if not _valid_json(data) else self._bad("truncated")
        if kind == "invalid_json":
            data = self._any_line()
            for _ in range(20):
                at = rng.randrange(1, len(data))
                candidate = data[:at] + rng.choice((b",", b"}", b'"', b":", b"]", b"{", b"=")) + data[at:]
                if rng.random() < 0.3:
                    candidate = data[:at] + data[at + 1 :]
                if not _valid_json(candidate):
                    return Record(kind, candidate, "bad")
            return Record(kind, data.replace(b'"usage":{', b'"usage"={', 1) + b"{", "bad")
        if kind == "not_utf8":
            data = self._any_line()
            # Inside a string value: the JSON stays well-formed, only the encoding is broken.
            quotes = [m.start() + 1 for m in re.finditer(rb'":"', data)]
            at = rng.choice(quotes) if quotes else 1
            junk = rng.choice((b"\xff", b"\xfe\xff", b"\xe6\x97", b"\xc3", b"\xed\xa0\x80", b"\x80abc"))
            return Record(kind, data[:at] + junk + data[at:], "bad")
        if kind == "too_long":
            line, _ = self.call_line()
            line["message"]["content"] = [{"type": "text", "text": "x" * (FUZZ_LINE_LIMIT + 10)}]
            return Record(kind, _dump(line), "bad")
        if kind == "zstd_row_corrupt":
            return Record(
                kind, None, "bad", zstd_blob=rng.choice((b"\x28\xb5\x2f\xfd" + b"\x00" * 9, b"garbage"))
            )
        if kind == "row_without_value":
            return Record(kind, None, "bad")
        line, _ = self.call_line()
        self._mutate(kind, line)
        text = json.dumps(line, ensure_ascii=rng.random() < 0.5, separators=(",", ":"))
        if kind == "non_finite_number":
            value = rng.choice(("NaN", "Infinity", "-Infinity", "1e999"))
            for target in (rng.choice(("input", "output", "cacheRead", "cacheWrite", "total")), "input"):
                text, done = re.subn(rf'"{target}":[-0-9.e]+', f'"{target}":{value}', text, count=1)
                if done:
                    break
        return Record(kind, text.encode("utf-8", "surrogatepass"), "bad")

    def _mutate(self, kind: str, line: dict[str, Any]) -> None:
        rng = self.rng
        message, usage = line["message"], line["message"]["usage"]
        counts = ("input", "output", "cacheRead", "cacheWrite")
        if kind == "wrong_type":
            where = rng.choice(("count", "cost", "text", "time", "usage", "type", "message", "role"))
            if where == "count":
                usage[rng.choice(counts)] = rng.choice(("12", 12.5, True, None, [1], {"n": 1}, 7.0))
            elif where == "cost":
                usage["cost"] = rng.choice(({"total": "0.1"}, {"total": True}, {"total": [1]}, "0.2", 3))
            elif where == "text":
                message[rng.choice(("model", "provider", "responseId", "stopReason"))] = rng.choice(
                    (5, True, [1], {"a": 1}, 1.5)
                )
            elif where == "time":
                message["timestamp"] = rng.choice(("abc", [1], {"t": 1}, ""))
            elif where == "usage":
                message["usage"] = rng.choice(("lots", 5, [1, 2], True))
            elif where == "type":
                line["type"] = rng.choice((5, None, ["message"], {"t": "message"}, True))
            elif where == "message":
                line["message"] = rng.choice(("assistant", 5, ["assistant"], None))
            else:
                message["role"] = rng.choice((5, None, ["assistant"], {"r": "assistant"}))
        elif kind == "negative_count":
            if rng.random() < 0.8:
                usage[rng.choice(counts)] = -rng.randint(1, 10**6)
            else:
                usage["cost"] = {"total": -rng.uniform(0.001, 5)}
        elif kind == "huge_count":
            if rng.random() < 0.8:
                usage[rng.choice(counts)] = rng.choice(
                    (MAX_TOKENS + 1, 2**63, 10**30, rng.randint(MAX_TOKENS + 1, 10**15))
                )
            else:
                usage["cost"] = {"total": rng.choice((MAX_COST_USD * 2, 1e12, 1e300))}
        elif kind == "missing_field":
            what = rng.choice(("usage", "times", "message", "role", "type"))
            if what == "usage":
                del message["usage"]
            elif what == "times":
                del line["timestamp"]
                del message["timestamp"]
            elif what == "message":
                del line["message"]
            elif what == "role":
                del message["role"]
            else:
                del line["type"]
        elif kind == "unstorable_text":
            value = rng.choice(
                ("gpt\x00mini", "\ud800model", "claude-\udfff", "m" * (MAX_TEXT + 1), "é" * (MAX_TEXT + 1))
            )
            message[rng.choice(("model", "provider", "responseId", "stopReason"))] = value
        elif kind == "non_finite_number":
            pass  # applied to the text
        else:
            raise AssertionError(f"unknown kind {kind}")


def _valid_json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8"))
    except ValueError:
        return False
    return True


# --- a state directory ----------------------------------------------------------------------------


@dataclass
class Source:
    """One file or one SQLite session, with its records in order."""

    kind: Literal["sqlite", "jsonl", "reset", "deleted_zst"]
    agent: str
    path: str  # relative to the state dir (the database file for SQLite sessions)
    session_id: str
    records: list[Record]
    crlf: bool = False
    final_newline: bool = True
    # record index -> line number (JSONL) or seq (SQLite), set when written
    where: list[int] = field(default_factory=list)

    @property
    def phase(self) -> int:
        return {"sqlite": 0, "jsonl": 1, "reset": 2, "deleted_zst": 2}[self.kind]


@dataclass
class Example:
    """A generated state directory and everything needed to judge a read of it."""

    state: Path
    sources: list[Source]
    faults: dict[str, str] = field(default_factory=dict)  # fault -> the source path it hit

    def cases(self) -> Counter[str]:
        tally: Counter[str] = Counter(r.kind for s in self.sources for r in s.records)
        tally.update(f"fault:{f}" for f in self.faults)
        tally.update(
            "sqlite session id not UTF-8"
            for s in self.sources
            if s.session_id != escape_undecodable(s.session_id)
        )
        return tally


def build_example(
    root: Path, rng: random.Random, kinds: dict[str, list[str]], faults: list[str], duplicates: int
) -> Example:
    """Write one state dir: `kinds` maps a source name (sqlite/jsonl/reset/deleted_zst) to record kinds."""
    maker = Maker(rng)
    state = root / "state"
    sq_sessions = root / "state" / "agents" / SQLITE_AGENT / "sessions"
    fl_sessions = root / "state" / "agents" / FILE_AGENT / "sessions"
    db_rel = f"agents/{SQLITE_AGENT}/agent/openclaw-agent.sqlite"
    sid = [maker.uid() for _ in range(4)]
    if rng.random() < 0.15:
        sid[0] = "s\udcff\udcfe-" + sid[0]  # a session id that is not UTF-8 (b"s\xff\xfe-..."), as read back
    stamp = "2026-11-20T23-30-00.000Z"
    sources = [
        Source("sqlite", SQLITE_AGENT, db_rel, sid[0], [maker.record(k) for k in kinds["sqlite"]]),
        Source("jsonl", FILE_AGENT, f"agents/{FILE_AGENT}/sessions/{sid[1]}.jsonl", sid[1],
               [maker.record(k) for k in kinds["jsonl"]], crlf=rng.random() < 0.2,
               final_newline=rng.random() < 0.7),
        Source("reset", FILE_AGENT, f"agents/{FILE_AGENT}/sessions/{sid[2]}.jsonl.reset.{stamp}", sid[2],
               [maker.record(k) for k in kinds["reset"]]),
        Source("deleted_zst", SQLITE_AGENT,
               f"agents/{SQLITE_AGENT}/sessions/{sid[3]}.jsonl.deleted.{stamp}.{rng.getrandbits(128):032x}.zst",
               sid[3], [maker.record(k) for k in kinds["deleted_zst"]]),
    ]  # fmt: skip
    _add_duplicates(rng, sources, duplicates)
    for source in sources:
        for record in source.records:
            if record.data is not None and record.kind != "too_long" and rng.random() < 0.3:
                record.compressed = source.kind == "sqlite"
    state.mkdir(parents=True)
    sq_sessions.mkdir(parents=True)
    fl_sessions.mkdir(parents=True)
    (state / "agents" / SQLITE_AGENT / "agent").mkdir(parents=True)
    write_db(state / db_rel, sources[0], rng)
    for source in sources[1:]:
        write_file(state / source.path, source)
    example = Example(state, sources)
    for fault in faults:
        _apply_fault(example, fault, rng)
    return example


def _add_duplicates(rng: random.Random, sources: list[Source], count: int) -> None:
    """Copy some good calls to a later place of the same agent (a fork, an archive, a duplicated branch)."""
    later: dict[str, tuple[str, ...]] = {
        "sqlite": ("deleted_zst",),
        "jsonl": ("jsonl", "reset"),
        "reset": ("reset",),
        "deleted_zst": ("deleted_zst",),
    }
    by_kind: dict[str, Source] = {s.kind: s for s in sources}
    for _ in range(count):
        source = rng.choice(sources)
        calls = [r for r in source.records if r.expect == "call"]
        if not calls:
            continue
        original = rng.choice(calls)
        target = by_kind[rng.choice(later[source.kind])]
        lowest = source.records.index(original) + 1 if target is source else 0
        position = rng.randint(lowest, len(target.records))
        target.records.insert(position, Record("duplicate_copy", original.data, "call", original.call))


def write_file(path: Path, source: Source) -> None:
    newline = b"\r\n" if source.crlf else b"\n"
    body = newline.join(r.data or b"" for r in source.records)
    if source.final_newline and source.records:
        body += newline
    source.where = list(range(1, len(source.records) + 1))
    if source.kind == "deleted_zst":
        body = zstandard.ZstdCompressor(level=1).compress(body)
    path.write_bytes(body)
    _touch(path)


def _touch(path: Path) -> None:
    import os

    mtime = (END_MS + 30 * 60_000) / 1000
    os.utime(path, (mtime, mtime))


def _raw(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _octet_length(value: object) -> int | None:
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass"))
    return len(value) if isinstance(value, bytes) else None


def write_db(path: Path, source: Source, rng: random.Random) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        # The real schema's CHECKs call octet_length() (SQLite 3.43+), which Python's SQLite may lack.
        conn.create_function("octet_length", 1, _octet_length, deterministic=True)
        for statement in sqlite_schema():
            conn.execute(statement)
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO session_windows (session_id, session_key, created_at, updated_at,"
            " transcript_updated_at) VALUES (CAST(? AS TEXT), ?, ?, ?, ?)",
            (_raw(source.session_id), f"agent:{SQLITE_AGENT}:main", START_MS, END_MS, END_MS + 60_000),
        )
        seq = rng.randint(0, 3)
        compress = zstandard.ZstdCompressor(level=1).compress
        for record in source.records:
            seq += rng.choice((1, 1, 1, 2, 7))
            source.where.append(seq)
            created = record.call.occurred_ms if record.call else START_MS + rng.randint(0, 86_399_999)
            if record.kind == "outside_window" and record.data is not None:
                created = json.loads(record.data)["message"]["timestamp"]
            text: bytes | None = record.data
            blob = record.zstd_blob
            if record.compressed and record.data is not None:
                text, blob = None, compress(record.data)
            conn.execute(
                "INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd,"
                " event_utf8_bytes, navigation_json)"
                " VALUES (CAST(? AS TEXT), ?, CAST(? AS TEXT), ?, ?, ?, ?)",
                (_raw(source.session_id), seq, text, created, blob, len(record.data or b"") or None,
                 '{"version":1}' if blob is not None else None),
            )  # fmt: skip
        conn.execute("COMMIT")
    finally:
        conn.close()
    _touch(path)


# --- faults ---------------------------------------------------------------------------------------


def _apply_fault(example: Example, fault: str, rng: random.Random) -> None:
    by_kind = {s.kind: s for s in example.sources}
    if fault.startswith("zst_"):
        source = by_kind["deleted_zst"]
        path = example.state / source.path
        data = path.read_bytes()
        if fault == "zst_truncated":
            path.write_bytes(data[: rng.randint(1, max(1, len(data) - 1))])
        elif fault == "zst_empty":
            path.write_bytes(b"")
        else:
            path.write_bytes(b"not zstd" + rng.randbytes(rng.randint(0, 200)))
        _touch(path)
    elif fault.startswith("db_"):
        source = by_kind["sqlite"]
        path = example.state / source.path
        data = path.read_bytes()
        if fault == "db_garbage":
            path.write_bytes(rng.randbytes(rng.randint(0, 5000)))
        else:
            page = 4096
            path.write_bytes(data[: rng.randint(1, max(1, len(data) // page - 1)) * page])
        _touch(path)
    else:
        source = rng.choice([s for s in example.sources if s.kind != "sqlite"])
    example.faults[fault] = source.path


@contextmanager
def file_faults(example: Example) -> Iterator[None]:
    """Patch the reader's body read of a file for the faults that happen while reading it."""
    real = jsonl.iter_file_lines  # the same function store_files imported
    by_path = {str(example.state / p): f for f, p in example.faults.items()}

    def iter_file_lines(
        path: Path,
        *,
        compressed: bool,
        start: jsonl.Resume | None = None,
        position: list[int] | None = None,
    ) -> Iterator[jsonl.Line]:
        fault = by_path.get(str(path))
        if fault == "vanished_before_open":
            path.unlink(missing_ok=True)  # renamed or deleted by OpenClaw after the listing
        elif fault == "unlinked_while_open":
            lines = real(path, compressed=compressed, start=start, position=position)
            first = next(lines, None)  # the file is open and its first chunk read
            path.unlink()
            if first is not None:
                yield first
            yield from lines
            return
        elif fault == "eio_mid_read":
            # A resumed read is never planned here: each example is read once, without a line index.
            assert start is None, "the fault plan reads every file from its start"
            with open(path, "rb") as handle:
                failing = cast(BinaryIO, _FailingReader(handle, limit=max(1, path.stat().st_size // 2)))
                chunks = jsonl._zstd_chunks(failing) if compressed else jsonl._raw_chunks(failing)
                yield from jsonl.split_lines(chunks, position=position)
            return
        yield from real(path, compressed=compressed, start=start, position=position)

    with mock.patch.object(store_files, "iter_file_lines", iter_file_lines):
        yield


class _FailingReader:
    """A file whose storage fails (EIO) after `limit` bytes, like a dying disk or a dropped mount."""

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self._handle, self._left = handle, limit

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            raise OSError(errno.EIO, "Input/output error")
        data = self._handle.read(min(size, self._left) if size >= 0 else self._left)
        self._left -= len(data)
        return data


# --- judging a read -------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What one read of an example showed; `errors` empty means every case held."""

    counted: int = 0
    reported: int = 0
    covered: int = 0
    errors: list[str] = field(default_factory=list)


_ROW = re.compile(r"session_id=(?P<sid>\S+) seq=(?P<seq>-?\d+)")
_AFTER = re.compile(r"lines after (?P<n>\d+) not read")


def read_example(example: Example) -> tuple[list[UsageEvent], ProblemLog]:
    problems = ProblemLog(base=example.state, keep=1_000_000)
    with file_faults(example):
        events = list(read_usage_events(example.state, start=DAY_START, end=DAY_END, problems=problems))
    return events, problems


def judge(example: Example, events: list[UsageEvent], problems: list[Problem]) -> Verdict:
    """Compare a read with the ground truth: counted once, reported where it is, nothing else."""
    verdict = Verdict()
    by_path: dict[str, list[Problem]] = {}
    for p in problems:
        by_path.setdefault(p.path, []).append(p)
    faulty = set(example.faults.values())
    covers = {s.path: _cover(s, by_path.get(s.path, [])) for s in example.sources}

    got: dict[tuple[str, int], UsageEvent] = {(e.source_path, e.source_line): e for e in events}
    ids = Counter(e.event_id for e in events)
    verdict.errors += [f"event id {i} yielded {n} times" for i, n in ids.items() if n > 1]

    # Each call's copies in read order; the first copy read is the one kept. A copy inside a
    # reported fault may or may not have been read before the fault; one outside must be.
    order = sorted(example.sources, key=lambda s: (s.phase, s.agent, s.kind == "deleted_zst", s.path))
    copies: dict[str, list[tuple[Source, int, Record, bool]]] = {}
    bad: list[tuple[Source, int, Record]] = []
    for source in order:
        for index, record in enumerate(source.records):
            where = source.where[index]
            covered = covers[source.path](where)
            verdict.covered += covered
            if record.expect == "call" and record.call is not None:
                copies.setdefault(record.call.key, []).append((source, where, record, covered))
            elif record.expect == "bad" and not covered:
                bad.append((source, where, record))
    want: dict[tuple[str, int], Record] = {}
    for found in copies.values():
        for source, where, record, covered in found:
            if (source.path, where) in got:
                want[(source.path, where)] = record
                break
            if not covered:
                verdict.errors.append(f"good call not counted: {source.path}:{where} {record.kind}")
                break
    for key in sorted(set(got) - set(want)):
        verdict.errors.append(f"counted what is not the first readable copy of a good call: {key}")
    for key in set(want) & set(got):
        call, event = want[key].call, got[key]
        assert call is not None
        seen = (event.input_tokens, event.output_tokens, event.cache_read_tokens, event.cache_write_tokens)
        if seen != (call.input, call.output, call.cache_read, call.cache_write):
            verdict.errors.append(f"{key}: counts {seen} != generated {call}")
        if (event.recorded_cost_usd is None) != (call.cost is None) or (
            call.cost is not None and abs((event.recorded_cost_usd or 0) - call.cost) > 1e-9
        ):
            verdict.errors.append(f"{key}: cost {event.recorded_cost_usd} != {call.cost}")
        if int(event.occurred_at.timestamp() * 1000) != call.occurred_ms:
            verdict.errors.append(f"{key}: time {event.occurred_at} != {call.occurred_ms}")
    verdict.counted = len(set(want) & set(got))

    located: dict[tuple[str, int], Problem] = {}
    for p in problems:
        if p.line is not None:
            located[(p.path, p.line)] = p
        elif p.row and (m := _ROW.search(p.row)):
            located[(p.path, int(m.group("seq")))] = p
    bad_places = {(s.path, w) for s, w, _ in bad}
    for source, where, record in bad:
        if (source.path, where) in located:
            verdict.reported += 1
        else:
            verdict.errors.append(f"bad record not reported: {source.path}:{where} {record.kind}")
    records = {(s.path, s.where[i]): r for s in example.sources for i, r in enumerate(s.records)}
    for p in problems:
        place = next((k for k, v in located.items() if v is p), None)
        if place in bad_places:
            continue
        if p.path in faulty or (
            p.path == example.sources[0].path and any(f.startswith("db_") for f in example.faults)
        ):
            continue  # the fault's own report
        there = records.get(place) if place else None
        if there is not None and there.expect == "bad":
            continue  # a bad record inside a fault, reported before the fault hit
        verdict.errors.append(f"unexpected problem: {p} ({there.kind if there else 'no record there'})")
    return verdict


def _cover(source: Source, found: list[Problem]) -> Callable[[int], bool]:
    """Which records (by line or seq) of `source` a reported file-level fault covers."""
    if source.kind == "sqlite":
        whole = any(p.row is None for p in found) or any(
            p.row and "seq=" not in p.row and f"session_id={escape_undecodable(source.session_id)}" in p.row
            for p in found
        )
        return lambda where: whole
    for p in found:
        if p.line is None:
            return lambda where: True  # the file could not be read at all
        after = _AFTER.search(p.message)
        if after or p.message.startswith("cannot read"):
            last = int(after.group("n")) if after else p.line - 1
            return lambda where: where > last
    return lambda where: False
