"""Gateway identity: which OpenClaw gateway a row came from, and how the dashboard tables say it.

Several OpenClaw hosts ("gateways") can write into one database, each from its own code location.
The raw tables (the usage ledger, session dumps, cron runs) carry a `gateway_id` column. The tables
the dashboard reads (agent_usage, agent_usage_by_model, cron_jobs, agent_workspaces) keep the columns
and unique keys of the setup document; there a non-default gateway's ids are qualified,
`vps2:main`, so two gateways' `main` agents are never one row. The default gateway (a single-gateway
deployment sets nothing) keeps plain ids: its rows look exactly as they did before gateways existed.
OpenClaw's agent ids and cron job ids never contain ":" (agent ids are [a-z0-9_-], job ids UUIDs),
so the separator cannot be mistaken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from psycopg import sql

DEFAULT_GATEWAY = "default"
SEPARATOR = ":"
GATEWAY_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def check_gateway_id(value: str) -> str:
    """The id as given when it is one; ValueError saying what an id may be otherwise."""
    if not GATEWAY_ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a gateway id: 1 to 32 lowercase letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return value


def qualify(gateway_id: str, local_id: str) -> str:
    """The id the dashboard tables use for `local_id` (an agent or cron job id) of this gateway."""
    return local_id if gateway_id == DEFAULT_GATEWAY else f"{gateway_id}{SEPARATOR}{local_id}"


def is_of_gateway(gateway_id: str, qualified_id: str) -> bool:
    """Whether a dashboard table's id (`main`, `vps2:main`) is one of gateway `gateway_id`'s."""
    if gateway_id == DEFAULT_GATEWAY:
        return SEPARATOR not in qualified_id
    return qualified_id.startswith(gateway_id + SEPARATOR)


# `qualify` in SQL over a raw table's gateway_id and agent_id (both constants are plain literals).
QUALIFIED_AGENT_ID_SQL = (
    f"case when gateway_id = '{DEFAULT_GATEWAY}' then agent_id"
    f" else gateway_id || '{SEPARATOR}' || agent_id end"
)


@dataclass(frozen=True)
class QualifiedIdsOf:
    """A sync scope over a dashboard table's qualified id column: every row of one gateway.

    The IO manager asks it for its condition (`t.<column>`, aliased `t`), so a sync of gateway vps2
    may remove `vps2:*` rows and nothing else, and the default gateway's sync only unqualified ones.
    """

    gateway_id: str

    def condition(self, column: str) -> tuple[sql.Composable, list[Any]]:
        target = sql.SQL("t.{}").format(sql.Identifier(column))
        if self.gateway_id == DEFAULT_GATEWAY:
            return sql.SQL("strpos({}, {}) = 0").format(target, sql.Literal(SEPARATOR)), []
        return sql.SQL("starts_with({}, %s)").format(target), [self.gateway_id + SEPARATOR]
