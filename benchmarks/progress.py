"""Progress lines on the terminal: a full run takes a quarter of an hour."""

from __future__ import annotations

import time


def progress(msg: str) -> None:
    """Print one timestamped progress line (flushed: the output is often piped to a log)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)
