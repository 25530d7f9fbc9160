"""POSTs JSON to a Slack-compatible incoming webhook: failed runs and spend alerts go out this way."""

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any


def post_webhook(url: str, payload: Mapping[str, Any], timeout: float = 10.0) -> str | None:
    """POST JSON; returns a reason when it failed (never raises, never shows the URL)."""
    request = urllib.request.Request(  # noqa: S310 - the operator configures an http(s) URL
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return None if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return type(exc).__name__
