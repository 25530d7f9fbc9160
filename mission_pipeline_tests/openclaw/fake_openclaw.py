#!/usr/bin/env python3
"""Stand-in for the `openclaw` CLI (real `cron list` needs a running Gateway).

Driven by environment variables set by the tests:
  FAKE_OPENCLAW_MODE   replay (print FAKE_OPENCLAW_JOBS as recorded), paged (serve it in pages of
                       FAKE_OPENCLAW_PAGE_SIZE, later pages via `gateway call cron.list`), stuck (paged,
                       but nextOffset never advances), fail (what 2026.9.6 prints without a Gateway)
  FAKE_OPENCLAW_JOBS   a recorded `cron list --all --json` output
  FAKE_OPENCLAW_LOG    if set, one JSON line per call: argv and OPENCLAW_STATE_DIR
"""

from __future__ import annotations

import json
import os
import sys

# Verbatim shape of `openclaw cron list --all --json` from 2026.9.6 with no Gateway listening.
NO_GATEWAY = {
    "ok": False,
    "error": {
        "type": "cli_error",
        "message": "Gateway not reachable at ws://127.0.0.1:18789 (ECONNREFUSED).\n"
        "Start it with `openclaw gateway run` or check `openclaw gateway status`.",
    },
}


def main(argv: list[str]) -> int:
    log = os.environ.get("FAKE_OPENCLAW_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"argv": argv, "state_dir": os.environ.get("OPENCLAW_STATE_DIR")}) + "\n")
    mode = os.environ.get("FAKE_OPENCLAW_MODE", "replay")
    if mode == "fail":
        print(json.dumps(NO_GATEWAY, indent=2))
        print("Gateway not reachable at ws://127.0.0.1:18789 (ECONNREFUSED).", file=sys.stderr)
        return 1
    with open(os.environ["FAKE_OPENCLAW_JOBS"], encoding="utf-8") as handle:
        recorded = json.load(handle)
    if argv == ["cron", "list", "--all", "--json"]:
        offset = 0
    elif argv[:3] == ["gateway", "call", "cron.list"] and "--params" in argv:
        params = json.loads(argv[argv.index("--params") + 1])
        if params.get("includeDisabled") is not True:
            print(json.dumps({"ok": False, "error": {"message": "test expects includeDisabled"}}))
            return 1
        offset = int(params.get("offset", 0))
    else:
        print(json.dumps({"ok": False, "error": {"message": f"stand-in: unsupported {argv}"}}))
        return 1
    if mode == "replay":
        print(json.dumps(recorded, indent=2))
        return 0
    size = int(os.environ.get("FAKE_OPENCLAW_PAGE_SIZE", "200"))
    jobs = recorded["jobs"]
    page = jobs[offset : offset + size]
    more = offset + len(page) < len(jobs)
    next_offset = (offset if mode == "stuck" else offset + len(page)) if more else None
    out = {
        "jobs": page,
        "snapshotRevision": recorded.get("snapshotRevision", "sha256:stand-in"),
        "total": len(jobs),
        "offset": offset,
        "limit": size,
        "hasMore": more,
        "nextOffset": next_offset,
    }
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
