-- Two tightenings found by the reliability work (RELIABILITY.md):
-- * the reader rule required only a suffix, so the bare address "@supliful.com" (no local part)
--   passed; now the whole address must be one non-empty local part, one @, and supliful.com;
-- * transcript row numbers (SQLite seq) are 64-bit: the ledger's source_line becomes bigint.

create or replace function mission_pipeline.is_mission_control_reader() returns boolean
language sql stable security invoker set search_path = '' as $$
  select coalesce(
    lower(auth.jwt() ->> 'email') ~ '^[^@[:space:]]+@supliful\.com$'
      and (auth.jwt() ->> 'is_anonymous') is distinct from 'true',
    false)
$$;

alter table public.openclaw_usage_events alter column source_line type bigint;
