"""The benchmark's comparisons, each measuring the pipeline against its yardstick and describing the result
as rows of the table (and notes): `one_day` (a day with history vs alone), `backfill` (the whole range vs
DuckDB / sqlite3), `references` (those yardsticks themselves), `ledger_write` (IO manager vs COPY) and
`workspace_scan` (scan vs find)."""
