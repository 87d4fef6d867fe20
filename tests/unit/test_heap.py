"""`HeapKeeper`: the heap frozen after the first queue, full collections in quiet moments only."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from lbconsole.tui import heap
from lbconsole.tui.heap import HeapKeeper


@pytest.fixture
def clock() -> list[float]:
    return [1000.0]


@pytest.fixture
def keeper(clock: list[float]) -> Iterator[HeapKeeper]:
    thresholds = gc.get_threshold()
    kept = HeapKeeper(clock=lambda: clock[0])
    yield kept
    gc.unfreeze()  # this test process goes on collecting as before
    gc.set_threshold(*thresholds)


def test_nothing_changes_before_the_first_queue(keeper: HeapKeeper, clock: list[float]) -> None:
    clock[0] += heap.LONGEST_S * 2
    assert not keeper.due()
    assert not keeper.tick()


def test_settle_freezes_once_and_takes_the_full_passes_over(keeper: HeapKeeper) -> None:
    young, middle, _ = gc.get_threshold()
    assert keeper.settle()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (young, middle, heap._NO_AUTOMATIC_FULL_PASS)
    assert not keeper.settle()  # once only


def test_a_full_pass_waits_for_a_quiet_operator(keeper: HeapKeeper, clock: list[float]) -> None:
    keeper.settle()
    clock[0] += heap.EVERY_S
    keeper.noted_input()
    clock[0] += heap.QUIET_S / 2
    assert not keeper.tick()  # typing: not now
    clock[0] += heap.QUIET_S
    assert keeper.tick()
    assert keeper.passes == 1
    clock[0] += heap.QUIET_S
    assert not keeper.tick()  # quiet, but one ran less than EVERY_S ago


def test_a_full_pass_runs_at_the_latest_after_the_longest_wait(keeper: HeapKeeper, clock: list[float]) -> None:
    keeper.settle()
    for _ in range(int(heap.LONGEST_S // heap.QUIET_S)):  # an operator who never stops typing
        clock[0] += heap.QUIET_S / 2
        keeper.noted_input()
        assert not keeper.tick()
    clock[0] += heap.LONGEST_S / 2
    keeper.noted_input()
    assert keeper.tick()
