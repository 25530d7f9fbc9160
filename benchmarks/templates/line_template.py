"""A real OpenClaw line with some leaves made fillable.

The real line is serialized with marker strings at the leaves to fill and split once into literal parts,
so rendering a line is one `str.join` (a million lines must not cost a million `copy.deepcopy` +
`json.dumps`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from benchmarks.templates.json_text import dumps, render_value

LeafPath = tuple[str | int, ...]
_MARK = re.compile(r'"@@([A-Za-z0-9_]+)@@"')


class LineTemplate:
    """One real line with some leaves made fillable (`render(values)` gives the new line)."""

    def __init__(
        self, real_line: str, fields: Mapping[str, LeafPath], *, drop: Sequence[LeafPath] = ()
    ) -> None:
        data = json.loads(real_line)
        if dumps(data) != real_line.rstrip("\n"):
            raise ValueError("template line does not round-trip; pick another real line")
        for path in drop:
            parent = _walk(data, path[:-1])
            del parent[path[-1]]
        for name, path in fields.items():
            parent = _walk(data, path[:-1])
            leaf = path[-1]
            missing = leaf not in parent if isinstance(parent, dict) else int(leaf) >= len(parent)
            if missing:
                raise KeyError(f"template has no leaf {path}")
            parent[path[-1]] = f"@@{name}@@"
        pieces = _MARK.split(dumps(data))
        self.literals: list[str] = pieces[0::2]
        self.names: list[str] = pieces[1::2]
        self.real = real_line

    def render(self, values: Mapping[str, Any]) -> str:
        """The real line with every fillable leaf replaced by its value from `values`."""
        out = [self.literals[0]]
        for name, literal in zip(self.names, self.literals[1:], strict=True):
            out.append(render_value(values[name]))
            out.append(literal)
        return "".join(out)


def _walk(data: Any, path: LeafPath) -> Any:
    for step in path:
        data = data[step]
    return data
