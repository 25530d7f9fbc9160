"""deploy/systemd units read as systemd reads them: sections, repeatable keys, continued lines."""

import re
import shlex
from pathlib import Path

Unit = dict[str, dict[str, list[str]]]

# Keys that harden a service; every long-running mission-pipeline unit sets the same ones.
HARDENING = (
    "NoNewPrivileges",
    "PrivateTmp",
    "ProtectSystem",
    "ProtectKernelTunables",
    "ProtectKernelModules",
    "ProtectControlGroups",
    "RestrictSUIDSGID",
    "LockPersonality",
)


def parse_unit(path: Path) -> Unit:
    """{section: {key: [values in order]}}; a trailing backslash continues a line, as in systemd."""
    unit: Unit = {}
    section: dict[str, list[str]] | None = None
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = unit.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        if section is None or not sep or not re.fullmatch(r"[A-Za-z]+", key):
            raise ValueError(f"{path.name}:{number}: not a unit line: {raw!r}")
        section.setdefault(key, []).append(value)
    return unit


def one(unit: Unit, section: str, key: str) -> str:
    """The only value of `key` in `section`."""
    (value,) = unit[section][key]
    return value


def unit_environment(unit: Unit) -> dict[str, str]:
    """The variables the unit sets itself with Environment= lines."""
    pairs = (
        item.split("=", 1) for value in unit["Service"].get("Environment", []) for item in shlex.split(value)
    )
    return {name: setting for name, setting in pairs}


def command_flags(argv: list[str]) -> list[str]:
    """The long and short options of a command line (`--flag`, `-f`), values left out."""
    return [arg for arg in argv if re.fullmatch(r"--?[A-Za-z][A-Za-z-]*", arg)]


def referenced_variables(command: str) -> set[str]:
    """Names systemd substitutes in a command line: ${NAME} (a literal $ is written $$)."""
    return set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)\}", command))
