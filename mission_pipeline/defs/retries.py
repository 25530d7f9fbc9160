"""Every asset's retry policy, applied only to what waiting can fix (see `warehouse.transient`).

Every asset is declared with `warehouse_asset`: the policy stays for transient database errors, and
any other error in the asset's body becomes a failure Dagster does not retry.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import dagster as dg

from mission_pipeline.defs.gateway import GATEWAY_ID, GATEWAY_TAG, KEY_PREFIX
from mission_pipeline.settings import get_settings
from mission_pipeline.warehouse.transient import retried_only_if_transient

# Dagster waits (2^n - 1) * d +- d before retry n: about 5, 15 and 35 s (+-5), so a step rides out
# roughly a minute of outage before the run fails.
DATABASE_RETRY = dg.RetryPolicy(
    max_retries=3,
    delay=get_settings().db_retry_delay_seconds,  # DB_RETRY_DELAY_SECONDS, read at import
    backoff=dg.Backoff.EXPONENTIAL,
    jitter=dg.Jitter.PLUS_MINUS,
)


def retry_transient_only(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` (an asset body, plain or generator) with non-transient errors made final."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def generator(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with retried_only_if_transient():
                yield from fn(*args, **kwargs)

        return generator

    @functools.wraps(fn)
    def plain(*args: Any, **kwargs: Any) -> Any:
        with retried_only_if_transient():
            return fn(*args, **kwargs)

    return plain


def warehouse_asset(**kwargs: Any) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """`@dg.asset` for assets that write through the warehouse: database hiccups are retried.

    The asset's key is under this code location's gateway (`defs/gateway.py`) and tagged with it.
    """

    def decorate(fn: Callable[..., Any]) -> dg.AssetsDefinition:
        asset: dg.AssetsDefinition = dg.asset(
            retry_policy=DATABASE_RETRY,
            key_prefix=KEY_PREFIX or None,
            tags={GATEWAY_TAG: GATEWAY_ID},
            **kwargs,
        )(retry_transient_only(fn))
        return asset

    return decorate
