"""The benchmark's table: figures, ratios against the issue's targets, as Markdown and as plain text."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.report.figures import MB

_INTRO = (
    "Written by `python -m benchmarks` (`make bench`); do not edit by hand. Every figure"
    " comes from one run on the data described below, each measurement in a child process of its own"
    " (time taken around the measured call; peak RSS = that process's own high-water mark)."
)


@dataclass
class Row:
    """One line of the table."""

    what: str
    seconds: float | None = None
    rows_per_s: float | None = None
    rss: int | None = None  # bytes
    reference: str = ""
    ratio: float | None = None
    target: str = ""
    status: str = ""  # "met", "MISSED", "" (informational)
    note: str = ""


@dataclass
class Report:
    """BENCHMARKS.md: machine, data, the table, then free sections (correctness, notes)."""

    title: str
    machine: dict[str, str]
    data: list[str]
    rows: list[Row] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def markdown(self) -> str:
        """The whole report as Markdown."""
        out = [f"# {self.title}", ""]
        out += [_INTRO, "", "## Machine", ""]
        out += [f"- {k}: {v}" for k, v in self.machine.items()]
        out += ["", "## Data", ""] + [f"- {line}" for line in self.data]
        out += [""]
        if self.rows:  # a run of one comparison with tables of its own (`--only`) has none
            out += ["## Results", "", self.table(), ""]
        for heading, lines in self.sections:
            out += [f"## {heading}", "", *lines, ""]
        return "\n".join(out).rstrip() + "\n"

    def table(self) -> str:
        """The results as a Markdown table."""
        head = [
            "Measurement",
            "Time (s)",
            "Rows/s",
            "Peak RSS (MB)",
            "Compared with",
            "Ratio",
            "Target",
            "Status",
        ]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
        for r in self.rows:
            cells = [
                r.what + (f" ({r.note})" if r.note else ""),
                *_figures(r),
                r.reference,
                "" if r.ratio is None else f"{r.ratio:.2f}×",
                r.target,
                r.status,
            ]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def text_table(self) -> str:
        """A plain-text version for the terminal."""
        head = ["measurement", "time s", "rows/s", "RSS MB", "vs", "ratio", "target", "status"]
        body = [
            [
                r.what,
                *_figures(r),
                r.reference,
                "" if r.ratio is None else f"{r.ratio:.2f}x",
                r.target,
                r.status,
            ]
            for r in self.rows
        ]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        return "\n".join(fmt.format(*line) for line in [head, *body])


def _figures(r: Row) -> list[str]:
    """Time, rows per second and peak RSS (MB) of a row, as printed in both tables."""
    return [
        _num(r.seconds, 3),
        _num(r.rows_per_s, 0, thousands=True),
        _num(None if r.rss is None else r.rss / MB, 0),
    ]


def _num(value: float | None, digits: int, *, thousands: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}" if thousands else f"{value:.{digits}f}"
