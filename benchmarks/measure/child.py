"""The child's side of a measurement: run one task, print its figures on a result line."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

# Marks the child's one line of figures among whatever else the measured code prints.
RESULT = "BENCH_RESULT "
Task = Callable[..., dict[str, Any]]


def child_main(argv: Sequence[str], tasks: Mapping[str, Task]) -> None:
    """Run task `argv[0]` with the JSON arguments `argv[1]`; print its figures and own peak RSS."""
    name, args = argv[0], json.loads(argv[1])
    out = tasks[name](**args)
    out["peak_rss"] = peak_rss_self()
    sys.stdout.write("\n" + RESULT + json.dumps(out) + "\n")
    sys.stdout.flush()


def peak_rss_self() -> int | None:
    """This process's own high-water RSS in bytes (`VmHWM`): unlike `ru_maxrss` it does not carry the
    RSS of the parent we were forked from across `exec`."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None
