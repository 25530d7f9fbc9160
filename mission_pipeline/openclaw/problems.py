"""What a reader could not read: the file, the line or row, and why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One unreadable thing, named so an operator can open the file at the right place."""

    path: str
    message: str
    line: int | None = None
    row: str | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        elif self.row is not None:
            where += f" [{self.row}]"
        return f"{where}: {self.message}"


class ProblemLog:
    """Collects problems; keeps the first `keep` in full and counts the rest."""

    def __init__(self, *, base: Path | None = None, keep: int = 500) -> None:
        self._base = base
        self._keep = keep
        self._items: list[Problem] = []
        self.count = 0

    def add(self, path: Path | str, message: str, *, line: int | None = None, row: str | None = None) -> None:
        self.count += 1
        if len(self._items) < self._keep:
            self._items.append(Problem(self._display(path), _one_line(message), line=line, row=row))

    def absorb(self, items: list[Problem], count: int) -> None:
        """Problems another process collected: `count` in all, `items` the ones it kept, in order."""
        room = max(self._keep - len(self._items), 0)
        self._items.extend(items[:room])
        self.count += count

    def _display(self, path: Path | str) -> str:
        path = Path(path)
        if self._base is not None:
            try:
                return path.relative_to(self._base).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def lines(self, limit: int = 50) -> list[str]:
        """Human-readable lines for run metadata, with a tail line when some were left out."""
        out = [str(p) for p in self._items[:limit]]
        if self.count > len(out):
            out.append(f"... and {self.count - len(out)} more")
        return out


def _one_line(message: str, limit: int = 300) -> str:
    text = " ".join(message.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
