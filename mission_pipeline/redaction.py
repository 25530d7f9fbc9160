"""Keeps the database password and keys out of logs, run metadata and error messages.

How a text is masked (`redact`):

* By value: every secret the process knows (the password raw, percent-decoded and percent-encoded,
  the API key, the webhook URL) is replaced by *** wherever it occurs if it has 4 or more characters.
  A shorter one is replaced only where it stands alone, touching no letter, digit or "_", so that a
  password "ab" does not turn "table" into "t***le". A one-character or punctuation-only secret is
  masked only by structure (below): replacing every "x" or ":" of a text would garble it and hide
  nothing an attacker could not guess.
* By structure, whether the secret is known or not: in a URL, what follows "user:" up to the last "@"
  (everything between "://" and the last "@" when that part is ambiguous); in key=value form, the
  value of password= and sslpassword=, quoted or not.

A URL is ambiguous when the part between "://" and its last "@" holds "@", "/", "?" or "#": libpq ends
the user-info at the first "@" or "/", urllib at the first "/", "?" or "#", others at the last "@", so
each reads another password, host and database out of it. The pipeline refuses such a URL before
connecting (warehouse/database.py); here all of that part, and each run of letters and digits in its
password, count as secret, since a parser may cut the password anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus, unquote

import psycopg
from psycopg.conninfo import conninfo_to_dict

MASK = "***"
# A known secret this long is masked wherever it occurs; a shorter one only as a whole word.
SUBSTRING_MIN = 4
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_AMBIGUOUS = frozenset("@/?#")
_SECRET_PARAMS = ("password", "sslpassword", "passfile")
# A URL in a text: its scheme and what precedes its last "@" before the next whitespace.
_URL_IN_TEXT = re.compile(r"(?i)\b(postgres(?:ql)?(?:\+\w+)?://)(\S*)@")
# password= in key=value form (or a URL query): a quoted value with backslash escapes, or a bare one.
_PASSWORD_IN_TEXT = re.compile(
    r"(?i)(\b(?:ssl|pg)?password\s*=\s*)('(?:[^'\\]|\\[\s\S]?)*(?:'|$)|(?:\\.|\S)+)"
)
_QUERY_SECRET = re.compile(r"[?&](?:ssl)?pass(?:word|file)=([^&]*)")


def url_userinfo(url: str) -> str | None:
    """What precedes the last "@" of a scheme://... URL, or None (no "@", or key=value form)."""
    url = url.strip()
    match = _SCHEME.match(url)
    if match is None or "@" not in url[match.end() :]:
        return None
    return url[match.end() :].rpartition("@")[0]


def is_ambiguous_url(url: str) -> bool:
    """True for a URL whose part before its last "@" holds "@", "/", "?" or "#" (see the module doc)."""
    userinfo = url_userinfo(url)
    return userinfo is not None and not _AMBIGUOUS.isdisjoint(userinfo)


def url_secrets(url: str) -> list[str]:
    """The secrets of a Postgres URL or key=value conninfo in every form a text may carry, longest first.

    The password as libpq reads it and as the part up to the last "@" gives it; query and key=value
    passwords; for an ambiguous URL also that whole part and the runs of letters and digits in it.
    """
    url = url.strip()
    passwords: set[str] = set()
    pieces: set[str] = set()
    userinfo = url_userinfo(url)
    if userinfo is not None:
        password = userinfo.partition(":")[2]
        passwords |= {password, unquote(password)}
        if not _AMBIGUOUS.isdisjoint(userinfo):
            pieces.add(userinfo)
            pieces.update(re.findall(r"[A-Za-z0-9]{4,}|\w{4,}", password))
    if _SCHEME.match(url):
        passwords.update(v for raw in _QUERY_SECRET.findall(url) for v in (raw, unquote(raw)))
    else:
        for match in _PASSWORD_IN_TEXT.finditer(url):
            passwords |= {match.group(2), _conninfo_value(match.group(2))}
    try:  # what libpq itself will send, should the string parse
        params = conninfo_to_dict(url)
    except psycopg.Error:
        params = {}
    passwords.update(str(params.get(key) or "") for key in _SECRET_PARAMS)
    # Each as it may be quoted back: percent-encoded the ways the usual quoting functions do it.
    found = pieces | {form for p in passwords for form in (p, quote(p, safe=""), quote_plus(p), quote(p))}
    return sorted((s for s in found if s), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every known secret masked, then every URL or key=value password in it."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= SUBSTRING_MIN:
            text = text.replace(secret, MASK)
        elif len(secret) > 1 and re.search(r"[^\W_]", secret):
            text = re.sub(rf"(?<!\w){re.escape(secret)}(?!\w)", MASK, text)
    # Known secrets first: a known password holding "@" would otherwise move the URL's last "@".
    text = _URL_IN_TEXT.sub(_mask_userinfo, text)
    return _PASSWORD_IN_TEXT.sub(lambda m: m.group(1) + MASK, text)


def describe_target(url: str) -> str:
    """A Postgres URL or conninfo as an operator may see it: user, host, port and database, never the
    password (an ambiguous URL: masked from "://" to its last "@")."""
    if is_ambiguous_url(url):
        return redact(url.strip(), url_secrets(url))
    try:
        return describe_params(conninfo_to_dict(url.strip()))
    except psycopg.Error:
        return "postgresql://<unparsable URL>"


def describe_params(params: Mapping[str, object]) -> str:
    """user@host:port/database of libpq's reading of a connection string."""
    host = params.get("host") or params.get("hostaddr") or "localhost"
    port = f":{params['port']}" if params.get("port") else ""
    user = f"{params['user']}@" if params.get("user") else ""
    return f"postgresql://{user}{host}{port}/{params.get('dbname') or 'postgres'}"


def _conninfo_value(written: str) -> str:
    """A key=value string's value as libpq reads it: quotes off, backslash escapes undone."""
    if not written.startswith("'"):
        return re.sub(r"\\(.)", r"\1", written, flags=re.S)
    out: list[str] = []
    escaped = False
    for char in written[1:]:
        if escaped or char not in "\\'":
            out.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            break
    return "".join(out)


def _mask_userinfo(match: re.Match[str]) -> str:
    scheme, userinfo = match.group(1), match.group(2)
    if not _AMBIGUOUS.isdisjoint(userinfo):
        return f"{scheme}{MASK}@"
    user, colon, password = userinfo.partition(":")
    return f"{scheme}{user}{colon}{MASK if password else ''}@"
