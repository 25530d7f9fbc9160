-- What a Supabase project already has, for a plain PostgreSQL (the embedded server, tests):
-- the API roles and auth.jwt() exactly as Supabase defines them (supabase/postgres init schema and
-- supabase/auth 20220531120530_add_auth_jwt_function). Never run against a Supabase project.

do $$
declare
  wanted constant text[][] := array[
    ['anon', 'nologin noinherit'],
    ['authenticated', 'nologin noinherit'],
    ['service_role', 'nologin noinherit bypassrls'],
    ['authenticator', 'login noinherit']];
  item text[];
begin
  foreach item slice 1 in array wanted loop
    if not exists (select 1 from pg_roles where rolname = item[1]) then
      begin
        execute format('create role %I %s', item[1], item[2]);
      exception when duplicate_object or unique_violation then
        null;  -- roles are cluster-wide: another database's bootstrap created it meanwhile
      end;
    end if;
  end loop;
end;
$$;

grant anon, authenticated, service_role to authenticator;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;

create or replace function auth.jwt() returns jsonb
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
