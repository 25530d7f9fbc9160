"""`python -m benchmarks --only day` on a tiny history: every run's totals checked, a report written."""

from __future__ import annotations

from pathlib import Path

from benchmarks.__main__ import main


def test_one_day_alone_measures_both_layouts_and_checks_every_runs_totals(tmp_path: Path) -> None:
    output = tmp_path / "day.md"
    argv = ["--scale", "small", "--agents", "2", "--days", "4", "--calls", "400", "--files", "20"]
    argv += ["--end", "2026-11-30"]  # not yesterday: no test depends on today's date
    argv += ["--only", "day", "--repeats", "1", "--workdir", str(tmp_path / "work"), "--output", str(output)]
    assert main(argv) == 0  # 1 when any run's totals differ from the generator's
    report = output.read_text()
    for layout in ("SQLite (2026.9.6)", "JSONL files (2026.5.28)"):
        assert f"{layout}: usage_job, " in report
        assert f"{layout}: reader only, mid-year day" in report
    assert "same day alone" in report
