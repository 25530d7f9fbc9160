"""One agent's calls of one store part: the sections a `TranscriptStore` yields, parsed line by line.

The store decides what to read and in what order (pruning by time, skipping copies it knows were
read elsewhere) and hands over `Section`s of raw lines; this module parses each line and reports
every line it cannot read, naming the file and line (or the database row). When iterating a
section's lines raises, the error goes back into the store's generator (`generator.throw`), which
reports it its own way and goes on or stops. Nothing here knows a storage kind.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple, cast

from mission_pipeline.openclaw.problems import ProblemLog
from mission_pipeline.openclaw.text import escape_undecodable
from mission_pipeline.openclaw.transcripts.keys import CronKeys
from mission_pipeline.openclaw.transcripts.line_index import LineIndex
from mission_pipeline.openclaw.transcripts.reading import TOO_LONG, AgentReading, Section, Unreadable
from mission_pipeline.openclaw.transcripts.store import TranscriptStore
from mission_pipeline.openclaw.usage.parse import BadLine, ParsedCall, parse_usage_line
from mission_pipeline.openclaw.usage.window import TimeWindow


class Found(NamedTuple):
    """One call and the copy it was read from."""

    call: ParsedCall
    session_id: str | None
    session_key: str | None
    source: str
    source_path: str
    source_line: int


class AgentReader:
    """Reads one agent's transcripts, store part by store part, reporting what it cannot read."""

    def __init__(
        self,
        state_dir: Path,
        agent_id: str,
        problems: ProblemLog,
        window: TimeWindow,
        cron: CronKeys,
        stores: Sequence[TranscriptStore],
        line_index: LineIndex | None = None,
    ) -> None:
        self.agent_id, self.problems = agent_id, problems
        self.reading = AgentReading(
            state_dir, agent_id, problems, (window.start_ms, window.end_ms), cron, stores, line_index
        )

    def read(self, store: TranscriptStore, part: str) -> Iterator[Found]:
        """The calls on the lines of one part of one store, section by section."""
        problems = self.problems
        sections = store.sections(self.reading, part)
        try:
            section = next(sections, None)
            while section is not None:
                path, source = section.path, section.source
                sid, key = escape_undecodable(section.session_id), escape_undecodable(section.session_key)
                number = 0
                observer = section.observer
                try:
                    for number, data in section.lines:
                        if type(data) is not bytes:  # rare: the one test of a good line
                            reason = TOO_LONG if data is None else cast(Unreadable, data).reason
                            section.problem(problems, reason, number)
                            continue
                        try:
                            call = parse_usage_line(data)
                        except BadLine as exc:
                            section.problem(problems, str(exc), number)
                            continue
                        if call is not None:
                            if observer is not None:
                                observer.call(call.occurred_at)
                            yield Found(call, sid, key, source, path, number)
                except Exception as exc:  # the store knows what its errors mean
                    section.read_to = number
                    section = _thrown(sections, exc)
                else:
                    section = next(sections, None)
        finally:
            sections.close()


def _thrown(sections: Generator[Section, None, None], exc: Exception) -> Section | None:
    """Throw `exc` into the store at the section it came from; the next section, None at the end."""
    try:
        return sections.throw(exc)
    except StopIteration:
        return None
