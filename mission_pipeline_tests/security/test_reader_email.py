"""The reader rule folds ASCII case only: a domain that becomes supliful.com only by Unicode rules is out.

PostgreSQL's lower() follows the collation. Under a UTF-8 libc collation (Supabase's databases, and
the embedded server's C.UTF-8) it maps U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE to a plain "i", so
"x@SUPLİFUL.COM" would lower-case to the reader domain. GoTrue lower-cases the emails it issues, but
third-party JWTs may carry any spelling, so the rule accepts A-Z as a-z and nothing else.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from mission_pipeline.warehouse.database import DatabaseTarget
from mission_pipeline.warehouse.migrations import apply_migrations
from mission_pipeline_tests.fixtures.postgres import database_url

# Addresses that are not @supliful.com, though some Unicode mapping (lower, upper, case folding,
# compatibility normalisation) turns their domain into it. The Kelvin sign (U+212A) lower-cases to
# "k", a letter supliful.com lacks, so it cannot forge the domain; it appears in READERS instead.
LOOKALIKES = {
    "dotted capital I (U+0130), upper-case domain": "x@SUPL\u0130FUL.COM",
    "dotted capital I (U+0130), lower-case domain": "x@supl\u0130ful.com",
    "dotless i (U+0131)": "x@supl\u0131ful.com",
    "dotless i (U+0131), upper-case domain": "X@SUPL\u0131FUL.COM",
    "long s (U+017F)": "x@\u017fupliful.com",
    "fullwidth capitals": "x@\uff33\uff35\uff30\uff2c\uff29\uff26\uff35\uff2c.\uff23\uff2f\uff2d",
    "fullwidth small letters and full stop": (
        "x@\uff53\uff55\uff50\uff4c\uff49\uff46\uff55\uff4c\uff0e\uff43\uff4f\uff4d"
    ),
}
# "No whitespace in the local part" means Unicode whitespace, whatever the database's collation
# counts as space (glibc's C.UTF-8 does not count U+00A0).
UNICODE_SPACES = {
    "no-break space (U+00A0) in the local part": "a\u00a0b@supliful.com",
    "em space (U+2003) in the local part": "a\u2003b@supliful.com",
    "ideographic space (U+3000) in the local part": "a\u3000b@supliful.com",
}
# ASCII case is still folded (third-party JWTs may not lower-case); the local part is not the rule's
# concern beyond "no @, no whitespace", so a non-ASCII local part on the real domain reads.
READERS = {
    "ASCII capitals": "X@SUPLIFUL.COM",
    "ASCII mixed case": "Ops.Team@Supliful.Com",
    "Kelvin sign (U+212A) in the local part": "\u212a@supliful.com",
}
_DOTTED_I_FOLDS = "select lower(U&'x@SUPL\\0130FUL.COM') = 'x@supliful.com'"
# Locales whose lower() maps U+0130 to "i", for a server whose databases are created with C.
_FOLDING_LOCALES = ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8")


def _folds(target: DatabaseTarget) -> bool:
    with target.connect() as conn:
        row = conn.execute(_DOTTED_I_FOLDS).fetchone()
    return bool(row and row[0])


@pytest.fixture
def folding_database(database: DatabaseTarget, pg_server_url: str) -> Iterator[DatabaseTarget]:
    """A migrated database whose default collation lower-cases U+0130 to "i", as Supabase's does.

    The embedded server's databases use C.UTF-8, which does; a server given by URL may use C, which
    does not, and there a database with a UTF-8 libc locale is made (or the test is skipped).
    """
    if _folds(database):
        yield database
        return
    name = f"mp_fold_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        for locale in _FOLDING_LOCALES:
            try:
                conn.execute(
                    f"create database {name} template template0 encoding 'UTF8'"
                    f" locale_provider libc locale '{locale}'"
                )
                break
            except (psycopg.errors.WrongObjectType, psycopg.errors.InvalidParameterValue):  # unknown locale
                continue
        else:
            pytest.skip("no UTF-8 libc locale on this server: lower() never folds U+0130 here")
    target = DatabaseTarget.from_url(database_url(pg_server_url, name))
    try:
        apply_migrations(target)
        assert _folds(target)
        yield target
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f"drop database if exists {name} with (force)")


def is_reader(target: DatabaseTarget, email: str) -> bool:
    """The rule's answer for a signed-in, non-anonymous user with this email claim."""
    claims: dict[str, Any] = {"role": "authenticated", "email": email, "is_anonymous": False}
    with target.connect(autocommit=True) as conn, conn.transaction(force_rollback=True):
        conn.execute("select set_config('role', 'authenticated', true)")
        conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        row = conn.execute("select mission_pipeline.is_mission_control_reader()").fetchone()
    return bool(row and row[0])


def test_the_database_folds_unicode_case_so_the_lookalikes_are_a_real_threat(
    folding_database: DatabaseTarget,
) -> None:
    assert _folds(folding_database)


@pytest.mark.parametrize("email", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_unicode_lookalikes_of_the_domain_are_not_readers(
    folding_database: DatabaseTarget, email: str
) -> None:
    assert not is_reader(folding_database, email)


@pytest.mark.parametrize("email", UNICODE_SPACES.values(), ids=UNICODE_SPACES.keys())
def test_unicode_whitespace_in_the_local_part_is_refused(
    folding_database: DatabaseTarget, email: str
) -> None:
    assert not is_reader(folding_database, email)


@pytest.mark.parametrize("email", READERS.values(), ids=READERS.keys())
def test_ascii_case_is_still_folded(folding_database: DatabaseTarget, email: str) -> None:
    assert is_reader(folding_database, email)


def test_a_lookalike_reads_no_row(folding_database: DatabaseTarget) -> None:
    """The policy, not just the function: the dotted-I address sees nothing, the ASCII one sees the row."""
    counts = {}
    with folding_database.connect(autocommit=True) as conn:
        for email in ("x@SUPL\u0130FUL.COM", "x@SUPLIFUL.COM"):
            with conn.transaction(force_rollback=True):
                conn.execute("insert into public.cron_jobs (job_id) values ('j1')")
                conn.execute("select set_config('role', 'authenticated', true)")
                claims = json.dumps({"role": "authenticated", "email": email, "is_anonymous": False})
                conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
                row = conn.execute("select count(*) from public.cron_jobs").fetchone()
                counts[email] = row[0] if row else None
    assert counts == {"x@SUPL\u0130FUL.COM": 0, "x@SUPLIFUL.COM": 1}
