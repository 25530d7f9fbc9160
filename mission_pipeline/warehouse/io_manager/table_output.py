"""What an asset hands the IO manager when a single DataFrame is not enough."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
from psycopg import sql


class ScopeCondition(Protocol):
    """A sync scope on a column that a list of values cannot say (every id of one gateway, say)."""

    def condition(self, column: str) -> tuple[sql.Composable, list[Any]]:
        """SQL true for the rows in scope, over `t.<column>` (the target aliased `t`), and its params."""
        ...


# Per column: the values in scope, or a condition.
SyncScopeMap = Mapping[str, Sequence[Any] | ScopeCondition]


@dataclass
class TableOutput:
    """Rows to write as a stream of DataFrame chunks, with the scope a sync applies to.

    `chunks` is consumed once, inside the write's transaction, so a large history never sits in
    memory whole. `sync_scope` limits a sync's deletions to rows whose columns take these values
    (for example only the agents whose workspace was scanned), or to rows a `ScopeCondition` selects;
    None means the whole table.
    `sync_exclude` protects rows whose columns take these values (say an agent whose workspace
    could not be read this time) from a sync's deletions.
    `summary` is called after the chunks are consumed; what it returns joins the run metadata.
    """

    chunks: Iterable[pd.DataFrame]
    sync_scope: SyncScopeMap | None = None
    sync_exclude: Mapping[str, Sequence[Any]] | None = None
    summary: Callable[[], Mapping[str, Any]] | None = field(default=None, repr=False)

    @classmethod
    def of(
        cls,
        frame: pd.DataFrame,
        *,
        sync_scope: SyncScopeMap | None = None,
        sync_exclude: Mapping[str, Sequence[Any]] | None = None,
    ) -> TableOutput:
        """One DataFrame with a sync scope."""
        return cls(chunks=[frame], sync_scope=sync_scope, sync_exclude=sync_exclude)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter(self.chunks)
