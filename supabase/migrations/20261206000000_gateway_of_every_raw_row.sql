-- Several OpenClaw gateways can write into one database: every raw row records the gateway it came
-- from, and the gateway is part of each raw table's key, so one gateway's rows never replace, and a
-- gateway's sync never removes, another's. Rows already here are the single gateway's: 'default'.
--
-- The dashboard tables (agent_usage, agent_usage_by_model, cron_jobs, agent_workspaces) keep their
-- columns and unique keys: a non-default gateway's rows there carry qualified ids ('vps2:main').

alter table public.openclaw_usage_events
  add column if not exists gateway_id text not null default 'default';
alter table public.openclaw_session_dumps
  add column if not exists gateway_id text not null default 'default';
alter table public.cron_job_runs
  add column if not exists gateway_id text not null default 'default';

do $$
declare
  tables constant text[] := array['openclaw_usage_events', 'openclaw_session_dumps', 'cron_job_runs'];
  t text;
begin
  foreach t in array tables loop
    execute format('alter table public.%I drop constraint if exists %I', t, t || '_gateway_id_format');
    -- The same rule as OPENCLAW_GATEWAY_ID's: no ':' (the qualified ids' separator), no spaces.
    execute format(
      'alter table public.%I add constraint %I check (gateway_id ~ ''^[a-z0-9][a-z0-9_-]{0,31}$'')',
      t, t || '_gateway_id_format');
    execute format('comment on column public.%I.gateway_id is %L', t,
      'The OpenClaw gateway (OPENCLAW_GATEWAY_ID) the row was read from; "default" for a single gateway.');
  end loop;
end;
$$;

alter table public.openclaw_usage_events drop constraint if exists openclaw_usage_events_pkey;
alter table public.openclaw_usage_events add primary key (gateway_id, event_id);
alter table public.openclaw_session_dumps drop constraint if exists openclaw_session_dumps_pkey;
alter table public.openclaw_session_dumps add primary key (gateway_id, agent_id, session_id);
alter table public.cron_job_runs drop constraint if exists cron_job_runs_pkey;
alter table public.cron_job_runs add primary key (gateway_id, run_id);

-- The rollups read a day of every gateway's ledger; a gateway's own rows are found by its key.
drop index if exists public.openclaw_usage_events_agent_time_idx;
create index if not exists openclaw_usage_events_agent_time_idx
  on public.openclaw_usage_events (gateway_id, agent_id, occurred_at);
