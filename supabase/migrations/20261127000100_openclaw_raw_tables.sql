-- Raw OpenClaw data behind the dashboard tables: the usage ledger, session dumps, usage by model and
-- cron run history. The ledger is the source of truth for billing; it is upserted, never deleted,
-- so usage survives OpenClaw pruning its transcripts.

create table if not exists public.openclaw_usage_events (
  event_id text primary key,
  agent_id text not null,
  session_id text,
  session_key text,
  occurred_at timestamptz not null,
  provider text,
  model text,
  input_tokens bigint not null,
  output_tokens bigint not null,
  cache_read_tokens bigint not null,
  cache_write_tokens bigint not null,
  recorded_cost_usd numeric(20, 10),
  response_id text,
  stop_reason text,
  source text not null,
  source_path text,
  source_line integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint openclaw_usage_events_tokens_non_negative
    check (least(input_tokens, output_tokens, cache_read_tokens, cache_write_tokens) >= 0)
);
comment on table public.openclaw_usage_events is
  'One row per deduplicated assistant call (responseId, else a content hash), from OpenClaw transcripts.';
comment on column public.openclaw_usage_events.recorded_cost_usd is
  'usage.cost.total as OpenClaw recorded it from its own configured prices.';
create index if not exists openclaw_usage_events_occurred_at_idx
  on public.openclaw_usage_events (occurred_at);
create index if not exists openclaw_usage_events_agent_time_idx
  on public.openclaw_usage_events (agent_id, occurred_at);

create table if not exists public.openclaw_session_dumps (
  agent_id text not null,
  session_id text not null,
  session_key text,
  kind text,
  model text,
  model_provider text,
  status text,
  started_at timestamptz,
  last_updated_at timestamptz,
  entry jsonb,
  source text not null,
  gone_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (agent_id, session_id)
);
comment on table public.openclaw_session_dumps is
  'OpenClaw''s session index as last seen; rows of pruned sessions stay with gone_at set. Its token '
  'counters are last-run snapshots: never use them for billing.';

create table if not exists public.agent_usage_by_model (
  agent_id text not null,
  date date not null,
  model text not null,
  provider text,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cache_read_tokens bigint not null default 0,
  cache_write_tokens bigint not null default 0,
  input_cost numeric(20, 10),
  output_cost numeric(20, 10),
  cache_read_cost numeric(20, 10),
  cache_write_cost numeric(20, 10),
  total_cost numeric(20, 10),
  recorded_cost_usd numeric(20, 10),
  message_count integer not null default 0,
  priced boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (agent_id, date, model)
);
comment on table public.agent_usage_by_model is
  'agent_usage split by model; costs are null where the pricing table has no price for the model.';
create index if not exists agent_usage_by_model_date_idx on public.agent_usage_by_model (date desc);

create table if not exists public.cron_job_runs (
  run_id text primary key,
  job_id text not null,
  agent_id text,
  started_at timestamptz,
  finished_at timestamptz,
  status text,
  duration_ms bigint,
  model text,
  provider text,
  error text,
  summary text,
  session_id text,
  session_key text,
  delivery_status text,
  raw_json jsonb,
  source text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.cron_job_runs is
  'Cron run history, kept after OpenClaw rotates it away. Token fields in raw_json are not billing data.';
create index if not exists cron_job_runs_job_started_idx on public.cron_job_runs (job_id, started_at desc);

drop trigger if exists touch_updated_at on public.openclaw_usage_events;
create trigger touch_updated_at before update on public.openclaw_usage_events
  for each row execute function mission_pipeline.touch_updated_at();
drop trigger if exists touch_updated_at on public.openclaw_session_dumps;
create trigger touch_updated_at before update on public.openclaw_session_dumps
  for each row execute function mission_pipeline.touch_updated_at();
drop trigger if exists touch_updated_at on public.agent_usage_by_model;
create trigger touch_updated_at before update on public.agent_usage_by_model
  for each row execute function mission_pipeline.touch_updated_at();
drop trigger if exists touch_updated_at on public.cron_job_runs;
create trigger touch_updated_at before update on public.cron_job_runs
  for each row execute function mission_pipeline.touch_updated_at();
