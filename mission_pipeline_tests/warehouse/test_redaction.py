"""A database password stays out of every text, whatever characters it holds.

Passwords here are made of tokens (`Zq` + letters and digits) that occur nowhere else, joined by the
characters URL and conninfo syntax treat specially; a token found in a text is a leaked fragment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

import psycopg
import pytest
from hypothesis import given, settings

from mission_pipeline.cli import main
from mission_pipeline.redaction import describe_target, redact, url_secrets
from mission_pipeline.warehouse.database import (
    DatabaseTarget,
    WarehouseConnectionError,
    WarehouseError,
)
from mission_pipeline.warehouse.resource import PostgresWarehouse
from mission_pipeline_tests.fixtures.secret_passwords import (
    SPECIALS,
    Password,
    conninfo_quote,
    leaks,
    passwords,
)

# The issue's example: urlsplit cut the netloc at the first "/", libpq's user-info at the first "@".
ISSUE_URL = "postgresql://postgres:ZqSup3r@ZqS3cret/ZqPw4@127.0.0.1:1/postgres"
AMBIGUOUS = [
    ISSUE_URL,
    "postgresql://postgres:ZqSup3r?ZqS3cretPw@127.0.0.1:1/postgres",
    "postgresql://postgres:ZqSup3r#ZqS3cret@127.0.0.1:1/postgres",
    "postgresql://postgres:ZqSup3r@ZqS3cret@db.example.com:5432/postgres",
    "postgres://postgres:ZqSup3r/ZqS3cret@db.example.com/postgres?sslmode=require",
]
# Valid for nobody: libpq's own message would quote the password (or a piece of it).
UNPARSABLE = [
    ("postgresql://postgres:ZqSup3r%zzZqS3cret@127.0.0.1:1/postgres", "a % not followed by two hex"),
    ("postgresql://postgres:ZqSup3r ZqS3cret@127.0.0.1:1/postgres", "a space"),
    # libpq drops a space at either end of a URL's part without a word: another password, refused here.
    ("postgresql://postgres:ZqSup3rZqS3cret @127.0.0.1:1/postgres", "a space"),
    ("postgresql://postgres: ZqSup3rZqS3cret@127.0.0.1:1/postgres", "a space"),
    ("postgresql://postgres:ZqSup3r%00ZqS3cret@127.0.0.1:1/postgres", "a % not followed by two hex"),
    ("POSTGRESQL://postgres:ZqSup3rZqS3cret@127.0.0.1:1/postgres", "neither a postgresql:// URL nor"),
    ("host=127.0.0.1 user=postgres password='ZqSup3r ZqS3cret", "a quoted value that is not closed"),
    ("postgresql://postgres:ZqSup3r@127.0.0.1:1/postgres?ZqS3cret=1", "a query parameter libpq does"),
]
# libpq's own phrases: what it says next to the text it quotes.
LIBPQ_WORDING = (
    "percent-encoded token",
    "percent-encoded value",
    "unexpected spaces",
    "URI query parameter",
    'missing "="',
    "unterminated quoted string",
)


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"Zq[A-Za-z0-9]{3,}", text))


@pytest.mark.parametrize("url", AMBIGUOUS)
def test_an_ambiguous_url_is_masked_from_the_scheme_to_the_last_at(url: str) -> None:
    tokens = _tokens(url)
    shown = [describe_target(url), redact(f"failed: {url}", url_secrets(url)), redact(f"failed: {url}", [])]
    assert [leaks(text, tokens) for text in shown] == [[], [], []], shown
    host = url.rpartition("@")[2]
    assert redact(f"at {url} now", []) == f"at {url.partition('://')[0]}://***@{host} now"


@pytest.mark.parametrize("special", [*SPECIALS, "é", "中", "%41", "%zz", "%25", "\\'"])
def test_the_password_is_found_whatever_it_holds(special: str) -> None:
    password = f"ZqAlpha1{special}ZqBeta2"
    for url in (
        f"postgresql://writer:{quote(password, safe='')}@db.example.com:5432/app",
        f"postgresql://writer:{password}@db.example.com:5432/app",
        f"host=db.example.com user=writer password={conninfo_quote(password)} dbname=app",
        f"postgresql://writer@db.example.com/app?password={quote(password, safe='')}",
    ):
        secrets = url_secrets(url)
        text = redact(f"{url}\npassword {password} / {quote(password, safe='')} rejected", secrets)
        assert not leaks(text, {"ZqAlpha1", "ZqBeta2"}), (url, text)


def test_short_passwords_are_masked_as_whole_words_only() -> None:
    url = "postgresql://writer:ab@db.example.com/app"
    secrets = url_secrets(url)
    text = f'login with "ab" failed: {url} (table abc, stab)'
    assert (
        redact(text, secrets)
        == 'login with "***" failed: postgresql://writer:***@db.example.com/app (table abc, stab)'
    )
    conninfo = "host=h password=xy dbname=app"
    assert redact(f"{conninfo}; xy, xyz", url_secrets(conninfo)) == "host=h password=*** dbname=app; ***, xyz"
    # One character is masked only where the syntax says it is a password: not every "x" of a text.
    one = "host=h password=x dbname=app"
    assert redact(f"{one}; x marks", url_secrets(one)) == "host=h password=*** dbname=app; x marks"


def test_key_value_passwords_with_quotes_and_escapes() -> None:
    password = "ZqOne a'b\\c ZqTwo"
    conninfo = f"host=h user=u password={conninfo_quote(password)} dbname=d"
    assert password in url_secrets(conninfo)
    assert (
        redact(f"{conninfo} / {password}", url_secrets(conninfo))
        == "host=h user=u password=*** dbname=d / ***"
    )
    assert redact(f"{conninfo} / x", []) == "host=h user=u password=*** dbname=d / x"


@pytest.mark.parametrize("url", AMBIGUOUS)
def test_an_ambiguous_url_is_refused_before_connecting(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_connection(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an ambiguous URL reached psycopg.connect")

    monkeypatch.setattr(psycopg, "connect", no_connection)
    with pytest.raises(WarehouseError) as refused:
        PostgresWarehouse(database_url=url).resolve().connect()
    message = str(refused.value)
    assert "SUPABASE_DB_URL" in message and "ambiguous" in message
    assert all(code in message for code in ("%40", "%2F", "%3F", "%23", "%25")), message
    assert "\n" not in message
    assert not leaks(message, _tokens(url)), message
    assert refused.value.__cause__ is None


@pytest.mark.parametrize(("url", "problem"), UNPARSABLE)
def test_libpq_parse_errors_are_never_echoed(url: str, problem: str) -> None:
    with pytest.raises(WarehouseError) as refused:
        DatabaseTarget.from_url(url).connect(connect_timeout=2)
    message = str(refused.value)
    assert f"({problem}" in message, message
    assert "SUPABASE_DB_URL" in message and "\n" not in message, message
    assert not [w for w in LIBPQ_WORDING if w in message], message
    assert not leaks(message, _tokens(url)), message
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_the_embedded_url_may_have_an_at_in_its_socket_path() -> None:
    target = DatabaseTarget.from_url("postgresql://postgres:@/postgres?host=/home/a@b/pg", embedded=True)
    assert target.description == "postgresql://postgres@/home/a@b/pg/postgres (embedded)"


def test_migrate_refuses_an_ambiguous_url_from_the_environment_in_one_line(
    environment: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    environment(SUPABASE_DB_URL=ISSUE_URL)  # the CLI reads SUPABASE_DB_URL from the environment
    status = main(["migrate"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert err.startswith("mission-pipeline: SUPABASE_DB_URL is ambiguous") and err.count("\n") == 1, err
    assert not leaks(out + err, _tokens(ISSUE_URL))


def test_a_failed_connection_names_host_and_database_only() -> None:
    password = "ZqGamma3" + "".join(SPECIALS) + "ZqDelta4"
    url = f"postgresql://writer:{quote(password, safe='')}@127.0.0.1:1/app?connect_timeout=2"
    with pytest.raises(WarehouseConnectionError) as failure:
        DatabaseTarget.from_url(url).connect()
    message = str(failure.value)
    assert message.startswith("cannot connect to postgresql://writer@127.0.0.1:1/app: "), message
    assert not leaks(message, {"ZqGamma3", "ZqDelta4"})


@settings(max_examples=300, deadline=None)
@given(drawn=passwords())
def test_no_fragment_in_descriptions_or_masked_texts(drawn: Password) -> None:
    """What libpq or a naive parser could echo (the URL, its pieces, libpq's own errors), masked."""
    password, tokens = drawn.text, set(drawn.tokens) | drawn.forms()
    encoded = f"postgresql://writer:{quote(password, safe='')}@127.0.0.1:1/app"
    raw = f"postgresql://writer:{password}@127.0.0.1:1/app"
    conninfo = f"host=127.0.0.1 port=1 user=writer password={conninfo_quote(password)} dbname=app"
    for url in (encoded, raw, conninfo):
        try:
            target = DatabaseTarget.from_url(url)
            shown = f"{target.description} {target!r}"
        except WarehouseError as refused:
            shown = f"refused: {refused}"
        # Only the raw URL may be refused (it is ambiguous or malformed); nothing shows a fragment.
        assert url == raw or not shown.startswith("refused"), shown
        assert not leaks(shown, tokens), shown
        echoes = [url, password, quote(password, safe=""), *url.replace("@", " ").split("/")]
        try:
            echoes += [str(value) for value in psycopg.conninfo.conninfo_to_dict(url).values()]
        except psycopg.Error as exc:
            echoes.append(str(exc))
        masked = redact("\n".join(echoes), url_secrets(url))
        assert not leaks(masked, tokens), (url, masked)
