"""The gateway this code location serves, as Dagster shows it: asset keys, tags and metadata.

Two code locations may not define the same asset key, so a non-default gateway's assets live under
its id (`vps2/agent_usage`); the default gateway keeps the plain keys a single-gateway deployment
always had. The id is fixed when the definitions load (OPENCLAW_GATEWAY_ID), like the time zone:
asset keys cannot change per run. The rows a run writes take their gateway from the openclaw
resource, which the definitions build from the same setting.
"""

import socket

import dagster as dg

from mission_pipeline.gateways import DEFAULT_GATEWAY
from mission_pipeline.settings import get_settings

GATEWAY_ID = get_settings().openclaw_gateway_id
KEY_PREFIX: list[str] = [] if GATEWAY_ID == DEFAULT_GATEWAY else [GATEWAY_ID]
GATEWAY_TAG = "openclaw/gateway"


def gateway_key(name: str) -> dg.AssetKey:
    """The key of asset `name` in this code location."""
    return dg.AssetKey([*KEY_PREFIX, name])


def where_it_ran(gateway_id: str) -> dict[str, str]:
    """Metadata naming the gateway a run read and the host it executed on."""
    return {"gateway": gateway_id, "host": socket.gethostname()}
