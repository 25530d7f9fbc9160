-- The ledger keeps two more facts per call, so cost can be what the provider bills: the 1-hour part of
-- the cache writes (Anthropic bills it at 2 x input, not 1.25 x) and whether the recorded cost is the
-- total the provider itself charged. Rows written before this migration have no 1-hour split
-- (0) and no origin; rerunning their days (while OpenClaw still has the transcripts) fills them in.

alter table public.openclaw_usage_events
  add column if not exists cache_write_1h_tokens bigint not null default 0,
  add column if not exists recorded_cost_origin text;
alter table public.openclaw_usage_events
  drop constraint if exists openclaw_usage_events_1h_within_cache_writes;
alter table public.openclaw_usage_events
  add constraint openclaw_usage_events_1h_within_cache_writes
  check (cache_write_1h_tokens between 0 and cache_write_tokens);
comment on column public.openclaw_usage_events.cache_write_1h_tokens is
  'usage.cacheWrite1h: the part of cache_write_tokens written with 1-hour retention (0 when not split).';
comment on column public.openclaw_usage_events.recorded_cost_origin is
  'usage.cost.totalOrigin: "provider-billed" when recorded_cost_usd is what the provider charged.';
