"""Random ids and texts, all drawn from a seeded RNG so the same seed writes the same bytes."""

from __future__ import annotations

import math
import random
import uuid

# Prose with punctuation, numbers and non-ASCII text, cut at random points into messages and files.
WORDS = (
    "the deploy finished cleanly and the error rate is back under the SLO; I checked the dashboard, "
    "the last three incidents and the open pull requests. Next: rotate the staging keys, update the "
    "runbook, and ask the vendor about the invoice from October. Your calendar has two meetings "
    "tomorrow (standup at 09:30, design review at 14:00). I drafted the reply to Acme with the revised "
    "numbers — total 12,480 EUR, payment due in 30 days — and saved it under projects/clients/acme. "
    "Notes: café receipts scanned, résumé updated, 日本語 summary attached. "
)


def random_uuid(rng: random.Random) -> str:
    """A version-4 UUID from `rng` (not from the OS: the data must repeat)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def random_text(rng: random.Random, median: int) -> str:
    """A slice of `WORDS` of log-normal length around `median` characters (8 to 6000)."""
    n = max(8, min(int(rng.lognormvariate(math.log(median), 0.7)), 6000))
    start = rng.randrange(len(WORDS))
    reps = (WORDS * (2 + n // len(WORDS)))[start : start + n]
    return reps.strip() or "ok"
