-- What a Supabase project already has, for a plain PostgreSQL (the embedded server, tests):
-- the API roles, their default privileges and auth.jwt() exactly as Supabase defines them
-- (supabase/postgres init schema and later role migrations, supabase/auth
-- 20220531120530_add_auth_jwt_function). Never run against a Supabase project.

do $$
declare
  wanted constant text[][] := array[
    ['anon', 'nologin inherit'],
    ['authenticated', 'nologin inherit'],
    ['service_role', 'nologin inherit bypassrls'],
    ['authenticator', 'login noinherit']];
  item text[];
  api_role name;
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
  -- Supabase made the API roles inherit later (supabase/postgres 20230529180330_alter_api_roles_for_
  -- inherit), so a role granted to one of them passes its rights on; a cluster this bootstrap created
  -- earlier (noinherit) is brought in line. authenticator stays noinherit: it only switches roles.
  for api_role in select rolname from pg_roles
                  where rolname in ('anon', 'authenticated', 'service_role') and not rolinherit loop
    execute format('alter role %I inherit', api_role);
  end loop;
end;
$$;

grant anon, authenticated, service_role to authenticator;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;

-- Supabase's initial schema: everything the migrating role creates in public is ALL for the API
-- roles (`alter default privileges in schema public grant all on tables/functions/sequences to
-- postgres, anon, authenticated, service_role`). Default privileges belong to a database and a
-- creating role, so they are set here for current_user, the role that runs the migrations (it owns
-- what it creates and needs no grant to itself). Projects created since 2026 no longer auto-grant
-- tables, but this bootstrap keeps the older superset on purpose: then the access tests only pass
-- if the migrations revoke from every table, identity sequence and function themselves.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

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
