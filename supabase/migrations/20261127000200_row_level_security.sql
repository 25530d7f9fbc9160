-- Row level security on every table the project creates.
--   read:  role authenticated, only with a JWT email ending in @supliful.com (lower-cased, the @
--          included) and is_anonymous not true;
--   write: service_role (BYPASSRLS on Supabase) and the table owner; nobody else.
-- Supabase no longer grants privileges on new public tables automatically, so grants are explicit.
-- The read rule lives in one function so every policy says the same thing; it runs as the caller
-- (security invoker), so it grants nothing by itself.

create or replace function mission_pipeline.is_mission_control_reader() returns boolean
language sql stable security invoker set search_path = '' as $$
  select coalesce(
    lower(auth.jwt() ->> 'email') like '%@supliful.com'
      and (auth.jwt() ->> 'is_anonymous') is distinct from 'true',
    false)
$$;
comment on function mission_pipeline.is_mission_control_reader() is
  'True for a signed-in, non-anonymous user whose JWT email is @supliful.com. Keep email confirmation on '
  'in Supabase Auth: the claim is only as trustworthy as that setting.';
revoke all on function mission_pipeline.is_mission_control_reader() from public;
grant usage on schema mission_pipeline to authenticated;
grant execute on function mission_pipeline.is_mission_control_reader() to authenticated;

do $$
declare
  managed constant text[] := array[
    'agent_usage', 'cron_jobs', 'agent_workspaces',
    'openclaw_usage_events', 'openclaw_session_dumps', 'agent_usage_by_model', 'cron_job_runs'];
  t text;
  p record;
begin
  foreach t in array managed loop
    execute format('alter table public.%I enable row level security', t);
    -- Permissive policies OR together: any older policy (say a setup-time "using (true)") would
    -- widen access, so the managed tables carry exactly the policy below and nothing else.
    for p in select policyname from pg_policies where schemaname = 'public' and tablename = t loop
      execute format('drop policy %I on public.%I', p.policyname, t);
    end loop;
    execute format(
      'create policy "supliful.com users read" on public.%I for select to authenticated '
      'using ((select mission_pipeline.is_mission_control_reader()))', t);
    execute format('revoke all on table public.%I from public, anon, authenticated', t);
    execute format('grant select on table public.%I to authenticated', t);
    execute format('grant select, insert, update, delete on table public.%I to service_role', t);
    -- Only this table's own identity sequence, never every sequence of a shared project.
    if exists (select 1 from pg_attribute
               where attrelid = format('public.%I', t)::regclass and attname = 'id' and not attisdropped)
       and pg_get_serial_sequence(format('public.%I', t), 'id') is not null then
      execute format('grant usage, select on sequence %s to service_role',
                     pg_get_serial_sequence(format('public.%I', t), 'id'));
    end if;
  end loop;
end;
$$;
