"""run_pipelined: a writer thread consumes while the caller produces; errors stop both sides."""

import threading
from collections.abc import Iterator

import pytest

from mission_pipeline.warehouse.io_manager.overlap import run_pipelined


def test_every_item_is_consumed_in_order() -> None:
    seen: list[int] = []
    run_pipelined(range(100), seen.append)
    assert seen == list(range(100))


def test_the_writer_works_while_the_producer_makes_the_next_item() -> None:
    second_made = threading.Event()

    def produce() -> Iterator[int]:
        yield 1
        yield 2
        second_made.set()

    def consume(item: int) -> None:
        # Item 1 is still being consumed when the producer has made item 2: the two overlap.
        if item == 1:
            assert second_made.wait(timeout=10), "the producer waited for the writer"

    run_pipelined(produce(), consume)


def test_a_writer_error_is_raised_and_stops_the_producer() -> None:
    produced: list[int] = []

    def produce() -> Iterator[int]:
        for item in range(1_000):
            produced.append(item)
            yield item

    def consume(item: int) -> None:
        if item == 3:
            raise ValueError("the database refused item 3")

    with pytest.raises(ValueError, match="refused item 3"):
        run_pipelined(produce(), consume, depth=2)
    assert len(produced) < 20


def test_a_producer_error_propagates_after_the_writer_stopped() -> None:
    consumed: list[int] = []
    writer_busy = threading.Event()
    release = threading.Event()

    def produce() -> Iterator[int]:
        yield 0
        assert writer_busy.wait(timeout=10)
        yield 1
        yield 2
        release.set()
        raise OSError("the source vanished")

    def consume(item: int) -> None:
        writer_busy.set()
        if item == 0:
            assert release.wait(timeout=10)
        consumed.append(item)

    with pytest.raises(OSError, match="vanished"):
        run_pipelined(produce(), consume, depth=4)
    # Item 0 was in hand when the producer failed; the queued items 1 and 2 were dropped, and the
    # writer was done before the error reached the caller.
    assert consumed == [0]
    assert not any(t.name == "mission-pipeline-writer" for t in threading.enumerate())
