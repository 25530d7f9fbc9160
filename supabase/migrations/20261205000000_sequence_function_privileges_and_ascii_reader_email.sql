-- Holes in the access rules:
-- * Supabase's initial schema gives anon, authenticated and service_role ALL on every sequence
--   created in public, so each table's identity sequence was anon's to setval() to its maximum,
--   after which every insert fails. Earlier migrations revoked table rights only. Functions are
--   executable by PUBLIC by default, and touch_updated_at never had that revoked. (Invisible in
--   tests until the embedded bootstrap set Supabase's default privileges too.)
-- * The reader rule lower-cased the email with the database's collation; under a UTF-8 libc
--   collation (Supabase's) lower() maps U+0130 (dotted capital I) to "i", so "x@SUPLİFUL.COM"
--   passed as @supliful.com. Now only A-Z fold to a-z.
-- Safe to re-run, and on a project that already ran the earlier migrations: revokes of rights
-- not held are no-ops.

-- The reader rule. collate "C" makes lower() fold ASCII letters only and keeps everything else
-- byte for byte, whatever the database's collation; for the same reason whitespace is spelled out:
-- [:space:] under "C" is ASCII only, so the other Unicode White_Space characters are listed.
create or replace function mission_pipeline.is_mission_control_reader() returns boolean
language sql stable security invoker set search_path = '' as $$
  select coalesce(
    lower((auth.jwt() ->> 'email') collate pg_catalog."C")
      ~ '^[^@[:space:]\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+@supliful\.com$'
      and (auth.jwt() ->> 'is_anonymous') is distinct from 'true',
    false)
$$;
comment on function mission_pipeline.is_mission_control_reader() is
  'True for a signed-in, non-anonymous user whose JWT email is @supliful.com (ASCII case folded only). '
  'Keep email confirmation on in Supabase Auth: the claim is only as trustworthy as that setting.';

do $$
declare
  managed constant text[] := array[
    'agent_usage', 'cron_jobs', 'agent_workspaces',
    'openclaw_usage_events', 'openclaw_session_dumps', 'agent_usage_by_model', 'cron_job_runs'];
  t text;
  seq record;
  fn record;
begin
  -- The sequences the managed tables own (identity columns, or serial ones of an adopted table);
  -- never every sequence of a shared project. service_role inserts rows, so it draws ids: usage
  -- and select; setval (update) is nobody's but the owner's.
  foreach t in array managed loop
    continue when to_regclass(format('public.%I', t)) is null;
    for seq in
      select n.nspname, s.relname
      from pg_depend d
      join pg_class s on s.oid = d.objid and s.relkind = 'S'
      join pg_namespace n on n.oid = s.relnamespace
      where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
        and d.refobjid = format('public.%I', t)::regclass and d.deptype in ('a', 'i')
    loop
      execute format('revoke all on sequence %I.%I from public, anon, authenticated, service_role',
                     seq.nspname, seq.relname);
      execute format('grant usage, select on sequence %I.%I to service_role', seq.nspname, seq.relname);
    end loop;
  end loop;

  -- Every routine of the project's own schema: nobody but the owner executes it. Triggers do not
  -- need EXECUTE of the writer (it is checked when the trigger is created), so touch_updated_at
  -- keeps working for service_role.
  for fn in
    select p.oid::regprocedure as signature
    from pg_proc p
    where p.pronamespace = 'mission_pipeline'::regnamespace
      and not exists (select 1 from pg_depend d
                      where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  loop
    execute format('revoke all on routine %s from public, anon, authenticated, service_role', fn.signature);
  end loop;
end;
$$;

-- The read policy calls the rule as the caller, so authenticated must be able to execute it
-- (schema usage is not needed for that: the policy holds the function itself, not its name).
grant execute on function mission_pipeline.is_mission_control_reader() to authenticated;
