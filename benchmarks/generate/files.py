"""Writing a file with the modification time OpenClaw would have left on it."""

from __future__ import annotations

import os
from pathlib import Path


def write_stamped(path: Path, data: bytes, mtime_ms: int) -> None:
    """Write `data` to `path` and set its mtime (readers that skip by mtime must see realistic ones)."""
    with open(path, "wb") as handle:
        handle.write(data)
    ns = mtime_ms * 1_000_000
    os.utime(path, ns=(ns, ns))
