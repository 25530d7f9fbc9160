"""Keeps the database password and keys out of logs, run metadata and error messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

MASK = "***"
_SECRET_PARAMS = {"password", "sslpassword", "passfile"}


def url_secrets(url: str) -> list[str]:
    """The secret parts of a Postgres URL or key=value conninfo: the password, raw and decoded."""
    found: list[str] = []
    if "://" in url:
        try:
            parts = urlsplit(url)
            raw_password = parts.netloc.rpartition("@")[0].partition(":")[2] if "@" in parts.netloc else ""
            if raw_password:
                found += [raw_password, unquote(raw_password)]
            for key, value in parse_qsl(parts.query):
                if key in _SECRET_PARAMS and value:
                    found.append(value)
        except ValueError:
            pass
    for match in re.finditer(r"\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", url):
        value = match.group(1).strip("'")
        if value:
            found.append(value)
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every known secret replaced by ***, plus any password embedded in a URL."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    # A URL we did not know about (e.g. quoted back by a driver) still loses its password.
    text = re.sub(r"(postgres(?:ql)?://[^:/@\s]+):[^@\s]+@", rf"\1:{MASK}@", text)
    return re.sub(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", rf"\1{MASK}", text)


def describe_target(url: str) -> str:
    """A Postgres URL as an operator may see it: user, host, port and database, never the password."""
    if "://" not in url:
        return redact(url, url_secrets(url))
    try:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        host = parts.hostname or query.get("host") or "localhost"
        port = f":{parts.port}" if parts.port else ""
        user = f"{unquote(parts.username)}@" if parts.username else ""
        database = parts.path.lstrip("/") or "postgres"
    except ValueError:
        return "postgresql://<unparsable URL>"
    return f"postgresql://{user}{host}{port}/{database}"
