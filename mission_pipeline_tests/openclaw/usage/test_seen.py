"""The compact set of seen event ids answers exactly as a plain set would, one by one or in batches."""

from __future__ import annotations

import random
from array import array

import pytest

from mission_pipeline.openclaw.usage import seen
from mission_pipeline.openclaw.usage.seen import SeenIds, id_digest


def _reference_firsts(known: set[int], digests: list[int]) -> list[int]:
    kept = []
    for i, digest in enumerate(digests):
        if digest not in known:
            known.add(digest)
            kept.append(i)
    return kept


@pytest.mark.parametrize("seed", range(5))
def test_batches_and_single_ids_mixed_match_a_plain_set(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seen, "FOLD", 64)  # many folds and merges of the sorted arrays
    rng = random.Random(seed)
    # A small pool (many repeats) with extremes of the 64-bit range, as digests can be.
    pool = [rng.getrandbits(64) for _ in range(1_500)] + [0, 1, 2**63, 2**64 - 1]
    ids, known = SeenIds(), set[int]()
    for _ in range(300):
        if rng.random() < 0.5:
            digest = rng.choice(pool)
            assert ids.first_digest(digest) == (digest not in known)
            known.add(digest)
        else:
            digests = [rng.choice(pool) for _ in range(rng.randint(0, 40))]
            expected = _reference_firsts(known, digests)
            got = ids.firsts(array("Q", digests))
            assert (list(range(len(digests))) if got is None else got) == expected
    assert len(ids) == len(known)


def test_a_batch_keeps_the_first_copy_of_a_repeated_id() -> None:
    ids = SeenIds()
    assert ids.firsts(array("Q", [7, 5, 7, 9, 5])) == [0, 1, 3]
    assert ids.firsts(array("Q", [9, 11])) == [1]
    assert ids.firsts(array("Q", [12, 13])) is None  # all new: the batch goes as it is
    assert not ids.first_digest(13) and ids.first_digest(14)
    assert ids.firsts(array("Q")) is None


def test_ids_are_told_apart_by_their_digest() -> None:
    ids = SeenIds()
    assert ids.first("msg_1") and ids.first("msg_2")
    assert not ids.first("msg_1")
    assert id_digest("msg_1") != id_digest("msg_2")
    assert 0 <= id_digest("msg_1") < 2**64
