"""The three ways an output is written, declared in the asset's metadata and checked before any SQL.

- replace_partition: the partition's window (`partition_expr`) ends up holding exactly the output's
  rows (the whole table when unpartitioned); with a `primary_key`, unchanged rows are left untouched
  instead of deleted and re-inserted. A single-run backfill replaces its whole range in one write.
- upsert: insert new keys, update changed rows, never delete.
- sync: upsert, then delete (or mark in `gone_column`) the rows of the scope the output no longer has.

There is no default: an asset that forgot its `write_mode` would otherwise get a replace, that is a
`delete from` its table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

WriteMode = Literal["replace_partition", "upsert", "sync"]
WRITE_MODES: tuple[str, ...] = get_args(WriteMode)


class WriteSpecError(ValueError):
    """The asset's metadata does not describe a valid write."""


class WriteSpec(BaseModel):
    """Metadata keys: write_mode (required), table, schema, partition_expr, primary_key, gone_column."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    write_mode: WriteMode
    table: str | None = None
    schema_name: str | None = Field(default=None, alias="schema")
    # The column a time partition's window applies to (date or timestamptz).
    partition_expr: str | None = None
    # The natural key: upsert target, and how a partition replace keeps unchanged rows untouched.
    primary_key: tuple[str, ...] = ()
    # sync marks rows that left the source with now() in this column instead of deleting them.
    gone_column: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> WriteSpec:
        if self.write_mode in ("upsert", "sync") and not self.primary_key:
            raise ValueError(f"write_mode {self.write_mode} needs primary_key")
        if self.gone_column and self.write_mode != "sync":
            raise ValueError("gone_column only applies to write_mode sync")
        return self

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any], *, asset: str) -> WriteSpec:
        """Read the spec from an asset's definition metadata (values may be Dagster MetadataValues)."""
        plain = {key: getattr(value, "value", value) for key, value in metadata.items()}
        if plain.get("write_mode") is None:
            raise WriteSpecError(
                f"asset {asset}: metadata write_mode is missing; the IO manager does not guess how to "
                f"write a table. Add one of {', '.join(WRITE_MODES)} to the asset's metadata, "
                'e.g. metadata={"write_mode": "replace_partition", ...}'
            )
        if isinstance(plain.get("primary_key"), str):
            plain["primary_key"] = (plain["primary_key"],)
        try:
            return cls.model_validate(plain)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'metadata'}: {e['msg']}" for e in exc.errors()
            )
            raise WriteSpecError(f"asset {asset}: invalid IO manager metadata: {problems}") from None
