"""Text from OpenClaw's files made safe for where it goes: PostgreSQL text columns and messages.

OpenClaw's JavaScript can write a lone UTF-16 surrogate (a string cut inside an emoji), file names
and SQLite TEXT values may hold bytes that are not UTF-8 (Python then carries them as lone
surrogates, `surrogateescape`), and PostgreSQL text holds neither those nor NUL. Each function here
says what it is for; they differ on purpose in what they do with such text.
"""

from __future__ import annotations

import os
import re
from typing import Any, overload

_SURROGATE = re.compile("[\ud800-\udfff]")


def check_postgres_text(value: str) -> str:
    """`value` when PostgreSQL text can hold it; ValueError (NUL, lone surrogate) when not."""
    if "\x00" in value:
        raise ValueError("holds a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("holds a lone surrogate") from None
    return value


def is_utf8(text: str) -> bool:
    """False when `text` holds a lone surrogate (os.scandir's stand-in for a byte that is not UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def replace_lone_surrogates(value: Any) -> tuple[Any, bool]:
    """`value` with every lone surrogate (in keys and strings, at any depth) replaced by U+FFFD,
    and whether any was; containers without one come back as the same object."""
    if isinstance(value, str):
        # json.loads joins valid pairs into one character, so any surrogate left is a lone one.
        fixed, count = _SURROGATE.subn("\ufffd", value)
        return fixed, count > 0
    if isinstance(value, dict):
        changed = False
        out = {}
        for key, item in value.items():
            new_key, key_changed = replace_lone_surrogates(key)
            new_item, item_changed = replace_lone_surrogates(item)
            out[new_key] = new_item
            changed = changed or key_changed or item_changed
        return (out, True) if changed else (value, False)
    if isinstance(value, list):
        items = [replace_lone_surrogates(item) for item in value]
        if any(changed for _, changed in items):
            return [item for item, _ in items], True
        return value, False
    return value, False


@overload
def escape_undecodable(text: str) -> str: ...
@overload
def escape_undecodable(text: None) -> None: ...
def escape_undecodable(text: str | None) -> str | None:
    """`text` as PostgreSQL can store it: bytes that were not UTF-8 (a file name, a SQLite TEXT value
    decoded with surrogateescape) shown as \\xNN escapes; anything else unchanged."""
    if text is None or text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "backslashreplace")
    return text


def printable_path(path: str) -> str:
    """A file system path safe to log: undecodable bytes shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
