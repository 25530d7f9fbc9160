-- mission_pipeline_writer: what a gateway host needs to write the pipeline's tables, and nothing more.
-- A gateway's code server logs in as its own role, a member of this one (deploy/gateways.md):
--   create role mp_vps2 login password '<long random password>' in role mission_pipeline_writer;
-- It reads and writes the pipeline's tables (through a policy, since it does not bypass RLS) and
-- uses their identity sequences; it cannot create, alter or drop anything, so its host runs with
-- AUTO_MIGRATE=false and the migrations are applied once, by the owner, from the central host.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'mission_pipeline_writer') then
    begin
      create role mission_pipeline_writer nologin;
    exception when duplicate_object or unique_violation then
      null;  -- roles are cluster-wide: another database's migration created it meanwhile
    end;
  end if;
end;
$$;
comment on role mission_pipeline_writer is
  'mission-pipeline gateways: read and write the pipeline tables, no DDL. Grant it to a login role.';

grant usage on schema public to mission_pipeline_writer;
-- `mission-pipeline doctor` on a gateway host says whether the migrations are current.
grant usage on schema mission_pipeline to mission_pipeline_writer;
grant select on table mission_pipeline.schema_migrations to mission_pipeline_writer;
drop policy if exists "mission-pipeline gateways read" on mission_pipeline.schema_migrations;
create policy "mission-pipeline gateways read" on mission_pipeline.schema_migrations
  for select to mission_pipeline_writer using (true);

do $$
declare
  managed constant text[] := array[
    'agent_usage', 'cron_jobs', 'agent_workspaces',
    'openclaw_usage_events', 'openclaw_session_dumps', 'agent_usage_by_model', 'cron_job_runs'];
  t text;
  seq text;
begin
  foreach t in array managed loop
    execute format('grant select, insert, update, delete on table public.%I to mission_pipeline_writer', t);
    execute format('drop policy if exists "mission-pipeline gateways write" on public.%I', t);
    execute format(
      'create policy "mission-pipeline gateways write" on public.%I for all to mission_pipeline_writer '
      'using (true) with check (true)', t);
    seq := null;
    if exists (select 1 from pg_attribute
               where attrelid = format('public.%I', t)::regclass and attname = 'id' and not attisdropped) then
      seq := pg_get_serial_sequence(format('public.%I', t), 'id');
    end if;
    if seq is not null then
      execute format('grant usage, select on sequence %s to mission_pipeline_writer', seq);
    end if;
  end loop;
end;
$$;
