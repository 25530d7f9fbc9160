"""The issue's performance targets, as the report checks them."""

from __future__ import annotations

# usage_job for one day with a year of history, at most this many times the same day alone.
TARGET_DAY = 1.3
# A single-run backfill of the whole range, at most this many times the larger of the reference reader
# (sqlite3, DuckDB) and PostgreSQL's COPY of the same rows.
TARGET_BACKFILL = 2.0
# The IO manager's ledger write, at least this share of PostgreSQL's own COPY rate.
TARGET_LEDGER = 0.5
# The workspace scan, at most this many times `find -maxdepth 3`.
TARGET_SCAN = 2.0
# Every pipeline run's own peak RSS, below this.
TARGET_RSS = 300 * 1024 * 1024
