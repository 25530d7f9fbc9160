"""The plain-PostgreSQL bootstrap gives the API roles what a Supabase project gives them.

If it granted less than Supabase, the access tests would pass on rights the migrations never revoke.
"""

from __future__ import annotations

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.migrations import apply_migrations
from mission_pipeline_tests.fixtures.postgres import query

API_ROLES = {"anon", "authenticated", "service_role"}


def test_objects_created_in_public_are_all_for_the_api_roles_like_on_supabase(
    empty_database: DatabaseTarget,
) -> None:
    assert apply_migrations(empty_database).bootstrapped_supabase_roles
    defaults = query(
        empty_database,
        "select d.defaclobjtype::text, a.grantee::regrole::text, a.privilege_type"
        " from pg_default_acl d cross join aclexplode(d.defaclacl) a"
        " where d.defaclrole = (select oid from pg_roles where rolname = current_user)"
        " and d.defaclnamespace = 'public'::regnamespace",
    )
    granted: dict[tuple[str, str], set[str]] = {
        (kind, grantee): set() for kind in "rSf" for grantee in API_ROLES
    }
    for kind, grantee, privilege in defaults:
        granted.setdefault((kind, grantee), set()).add(privilege)
    every = {"r": {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"},
             "S": {"USAGE", "SELECT", "UPDATE"}, "f": {"EXECUTE"}}  # fmt: skip
    assert granted == {(kind, grantee): every[kind] for kind in "rSf" for grantee in API_ROLES}
    # ... and they really apply: a sequence made now is the API roles' to move.
    query(empty_database, "create sequence public.made_later")
    assert query(
        empty_database,
        "select has_sequence_privilege('anon', 'public.made_later', 'UPDATE'),"
        " has_function_privilege('anon', 'auth.jwt()', 'EXECUTE')",
    ) == [(True, True)]


def test_the_api_roles_inherit_and_authenticator_does_not(empty_database: DatabaseTarget) -> None:
    apply_migrations(empty_database)
    roles = dict(
        query(
            empty_database,
            "select rolname, rolinherit from pg_roles"
            " where rolname in ('anon', 'authenticated', 'service_role', 'authenticator')",
        )
    )
    assert roles == {"anon": True, "authenticated": True, "service_role": True, "authenticator": False}
