"""The OpenClaw state directory `mission-pipeline run` falls back to on a machine without OpenClaw.

Written by the real OpenClaw (see `mission_pipeline_tests/data/openclaw-samples/README.md` for how, and
for the totals a correct reader must reproduce). It ships inside the package, so an installed
`mission-pipeline run` finds it without a checkout; the tests read the same folder. Treat it as
read-only: copy it (`mission_pipeline.openclaw.relocate.copy_state_dir`) before writing to it.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_OPENCLAW_VERSION = "2026.9.6"
# A folder next to this file, not an importlib.resources Traversable: wheels install unpacked, and the
# readers need a real directory (SQLite opens files by path).
SAMPLE_STATE: Path = Path(__file__).resolve().parent / "openclaw-state"
