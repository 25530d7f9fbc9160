"""A producer and a consumer in two threads, working at once, in order, and failing together.

The IO manager's writer thread mostly waits for PostgreSQL (psycopg releases the GIL meanwhile), so
the server merges one chunk on one core while the asset's Python builds the next on the other. Only
work that leaves the GIL free gains from a second thread (docs/performance.md: a thread prefetching
SQLite rows made the reader slower).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


def run_pipelined(items: Iterable[T], consume: Callable[[T], None], *, depth: int = 2) -> None:
    """Call `consume(item)` for every item, in one writer thread, while this thread produces the next.

    At most `depth` items wait between the two. The first error on either side stops both: the
    producer stops pulling items, the writer skips those still queued. The writer has finished
    before this returns or raises, so the caller may use what it shares with the writer again. A
    writer's error is raised here; a producer's error propagates as it is.
    """
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    failures: list[BaseException] = []
    stop = threading.Event()

    def writer() -> None:
        while (item := waiting.get()) is not _DONE:
            if stop.is_set():
                continue  # drain what is queued without working on it
            try:
                consume(item)  # type: ignore[arg-type]  # every item but _DONE is a T
            except BaseException as exc:
                failures.append(exc)
                stop.set()

    thread = threading.Thread(target=writer, name="mission-pipeline-writer", daemon=True)
    thread.start()
    try:
        for item in items:
            if stop.is_set():
                break
            _put(waiting, item, stop)
    except BaseException:
        stop.set()
        raise
    finally:
        waiting.put(_DONE)  # the writer drains the queue until it takes this
        thread.join()
    if failures:
        raise failures[0]


def _put(waiting: queue.Queue[object], item: object, stop: threading.Event) -> None:
    """Queue `item`, unless the writer failed meanwhile (then nobody would work on it)."""
    while not stop.is_set():
        try:
            waiting.put(item, timeout=0.05)
            return
        except queue.Full:
            continue
