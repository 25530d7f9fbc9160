"""The event ids a read has already yielded, kept compactly: a year holds a million of them.

Each id is kept as a 64-bit digest. A Python set of a million ints costs about 70 MB; here most
digests sit in sorted NumPy arrays at 8 bytes each, and only the latest few thousand seen one at a
time in a set. Batches (what reader workers and their parent handle) are checked with vectorised
binary searches; single events (the in-process read) with `bisect` on the same arrays.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left

import numpy as np
import numpy.typing as npt

# Digests seen one by one stay in a set until there are this many, then join the sorted arrays;
# the younger sorted array joins the older one at the same size, so each merge copies the large one
# only once per FOLD new ids.
FOLD = 65_536

Digests = npt.NDArray[np.uint64]


def id_digest(event_id: str) -> int:
    """An event id as the 64-bit digest `SeenIds` keeps."""
    return int.from_bytes(hashlib.blake2b(event_id.encode(), digest_size=8).digest(), "little")


class SeenIds:
    """Event ids already yielded, as 64-bit digests (a collision of two ids is a 1 in 2^64 chance)."""

    def __init__(self) -> None:
        self._recent: set[int] = set()
        self._runs = [_SortedRun(), _SortedRun()]  # older, younger

    def __len__(self) -> int:
        return len(self._recent) + sum(len(run) for run in self._runs)

    def first(self, event_id: str) -> bool:
        """True the first time `event_id` is seen."""
        return self.first_digest(id_digest(event_id))

    def first_digest(self, digest: int) -> bool:
        """True the first time an id of this digest is seen."""
        if digest in self._recent or any(digest in run for run in self._runs):
            return False
        self._recent.add(digest)
        if len(self._recent) >= FOLD:
            self._fold_recent()
        return True

    def firsts(self, digests: array[int]) -> list[int] | None:
        """The positions of the digests seen for the first time, in order; None when that is all.

        Within the batch too the first copy of a digest is the one kept, as one by one.
        """
        if not digests:
            return None
        self._fold_recent()
        batch: Digests = np.frombuffer(digests, dtype=np.uint64)
        unique, first_at = np.unique(batch, return_index=True)
        known = self._runs[0].holds(batch) | self._runs[1].holds(batch)
        if len(unique) == len(batch) and not known.any():
            self._add(unique)
            return None
        keep = np.zeros(len(batch), dtype=bool)
        keep[first_at] = True
        keep &= ~known
        kept = np.flatnonzero(keep)
        self._add(np.sort(batch[kept]))
        return [int(i) for i in kept]

    def _fold_recent(self) -> None:
        if self._recent:
            self._add(np.sort(np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent))))
            self._recent = set()

    def _add(self, digests: Digests) -> None:
        """Add sorted digests none of which is held yet."""
        older, younger = self._runs
        younger.merge(digests)
        if len(younger) >= FOLD:
            older.merge(younger.values)
            self._runs[1] = _SortedRun()


class _SortedRun:
    """Distinct digests in ascending order, with a view `bisect` reads as Python ints."""

    def __init__(self) -> None:
        self.values: Digests = np.empty(0, dtype=np.uint64)
        self._view = memoryview(array("Q"))

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, digest: int) -> bool:
        at = bisect_left(self._view, digest)
        return at < len(self._view) and self._view[at] == digest

    def holds(self, digests: Digests) -> npt.NDArray[np.bool_]:
        """For each digest, whether it is here."""
        if not len(self.values):
            return np.zeros(len(digests), dtype=bool)
        at = np.searchsorted(self.values, digests)
        found: npt.NDArray[np.bool_] = self.values[np.minimum(at, len(self.values) - 1)] == digests
        return found

    def merge(self, digests: Digests) -> None:
        """Insert sorted digests not here yet."""
        self.values = np.insert(self.values, np.searchsorted(self.values, digests), digests)
        self._view = self.values.data.cast("B").cast("Q")
