"""The queue table's refresh shapes at 1k, 5k and 10k PRs (the helpers of `bench_console.py --table`).

Queues are built directly (no simulator): synthetic PRs across every
category and state, analysed once up front, as the console's worker does
off the UI thread. What is timed is what runs on the UI thread: the table
taking the new rows, then the idle pass and the paint that follow.

`LegacyQueueTable` keeps the algorithm the console shipped before (one
`remove_row` per row that went, `update_cell` per changed cell, a
`DataTable.sort` when the order changed) so one run shows before and after.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Input

from lbconsole.core.analysis import Analysis, analyze
from lbconsole.core.models import ChecksState, Mergeable, MergeState, PullRequest, ReviewDecision
from lbconsole.tui.heap import HeapKeeper
from lbconsole.tui.queue_view import COLUMN_KEYS
from lbconsole.tui.render import Cell, queue_row
from lbconsole.tui.widgets.detail import DetailPane
from lbconsole.tui.widgets.queue_pane import QueuePane
from lbconsole.tui.widgets.queue_table import QueueTable
from tests.demo_queue import NOW, fake_settings, make_pr

PREFIXES = ("fix: ", "feat: ", "docs: ", "chore: ", "Bump ", "security: ", "")
WORDS = ("parser", "scheduler", "dashboard", "login", "cache", "exporter", "router", "theme", "queue", "client")
AUTHORS = ("alice", "bob", "carol", "dependabot[bot]", "renovate[bot]", "dave", "erin")
STATES: tuple[dict[str, Any], ...] = (
    {},
    {"merge_state": MergeState.BEHIND},
    {"mergeable": Mergeable.CONFLICTING, "merge_state": MergeState.DIRTY},
    {"checks": ChecksState.FAILURE, "failing_checks": ("ci/test",), "merge_state": MergeState.UNSTABLE},
    {"review_decision": ReviewDecision.REVIEW_REQUIRED, "merge_state": MergeState.BLOCKED},
    {"checks": ChecksState.PENDING},
    {"labels": ("do-not-merge",)},
)


def synthetic_pulls(count: int, start: int = 1) -> list[PullRequest]:
    """`count` PRs numbered from `start`, spread over categories, authors and states."""
    pulls = []
    for number in range(start, start + count):
        title = f"{PREFIXES[number % 7]}{WORDS[number % 10]} {WORDS[(number // 10) % 10]} change {number}"
        author = AUTHORS[number % 7]
        pulls.append(
            make_pr(number, title, author, number % 90, author_is_bot=author.endswith("[bot]"), **STATES[number % 7])
        )
    return pulls


def analysed(pulls: list[PullRequest]) -> tuple[list[Analysis], dict[int, tuple[Cell, ...]]]:
    """Analyses (priority order) and their rendered rows, as the refresh worker hands them over."""
    analyses = analyze(pulls, fake_settings(), NOW)
    return analyses, {a.pr.number: queue_row(a, NOW) for a in analyses}


REPEATS = 3
"""Each shape's steps run this many times: its median is over all of them."""
CHURN_ROUNDS = 6
"""Refreshes of 50 closed + 50 opened."""


class _KeyedText(Text):
    row_id: str = ""


class LegacyQueueTable(QueueTable):
    """The table's previous update algorithm, kept as the benchmark's baseline."""

    def _sync(self, desired: list[tuple[str, tuple[Cell, ...]]]) -> None:
        first = not self._order
        selected = self.selected_row_id
        scroll_y = self.scroll_y
        wanted = dict(desired)
        for row_id in [r for r in self._cells if r not in wanted]:
            self.remove_row(row_id)
            del self._cells[row_id]
        for row_id, row in desired:
            self._legacy_write(row_id, row, previous=self._cells.get(row_id))
        order = [row_id for row_id, _ in desired]
        if order != self._order:
            rank = {row_id: index for index, row_id in enumerate(order)}
            self.sort("number", key=lambda cell: rank[cell.row_id])
            self._order = order
        if first and len(order) > 1:
            self.move_cursor(row=1)
        elif selected is not None and selected in wanted:
            self.move_cursor(row=self.get_row_index(selected), scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)

    def _legacy_write(self, row_id: str, row: tuple[Cell, ...], previous: tuple[Cell, ...] | None) -> None:
        if previous == row:
            return
        cells = self._styled(row)
        first = _KeyedText(cells[0].plain, style=cells[0].style, no_wrap=True, end="")
        first.row_id = row_id
        cells[0] = first
        shown = [(COLUMN_KEYS[i], cells[i]) for i in self._shown]
        if previous is None or row_id not in self._cells:
            if row_id in self.rows:
                for key, cell in shown:
                    self.update_cell(row_id, key, cell)
            else:
                self.add_row(*[cell for _, cell in shown], key=row_id, height=1)
        else:
            for index, (key, cell) in zip(self._shown, shown, strict=True):
                if index == 0 or previous[index] != row[index]:
                    self.update_cell(row_id, key, cell)
        self._cells[row_id] = row

    def _rebuild(self, order: list[str], selected: str | None, scroll_y: float) -> None:
        if not order:
            super()._rebuild(order, selected, scroll_y)


class BenchApp(App[None]):
    """The Queue tab alone, on a table class of the benchmark's choosing."""

    def __init__(self, table_class: type[QueueTable]) -> None:
        super().__init__()
        self.table_class = table_class

    def compose(self) -> ComposeResult:
        table_class = self.table_class

        class Pane(QueuePane):
            def compose(self) -> ComposeResult:
                yield Input(id="queue-filter")
                with Vertical(id="queue-body"):
                    yield table_class(id="queue-table")
                    yield DetailPane(id="queue-detail")

        yield Pane(id="queue-pane")


class StallMeter:
    """The longest gap between ticks of a task on the UI loop: how long the main thread stalled."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None
        self._stop = False

    async def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now

    def __enter__(self) -> StallMeter:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True


async def timed(pilot: Any, steps: list[Callable[[], Awaitable[None] | None]]) -> tuple[float, float]:
    """(median ms, longest main-thread stall ms) over `steps`, each followed by the idle pass and a paint.

    The median is the UI thread's CPU time for a step (`time.thread_time`: the pilot's idle waits
    between frames are not work); the stall is the longest the UI loop went without a turn.
    """
    times = []
    with StallMeter() as meter:
        await asyncio.sleep(0.005)
        for step in steps:
            t0 = time.thread_time()
            result = step()
            if result is not None:
                await result
            await pilot.pause()
            times.append(time.thread_time() - t0)
        await asyncio.sleep(0.005)
    return statistics.median(times) * 1000, meter.longest * 1000


def shapes_in_process(prs: int, legacy: bool, filter_keys: str) -> dict[str, tuple[float, float]]:
    """`shapes` for the current table (its heap settled, as the console does) or the baseline, in this process.

    `bench_console.py` runs each in a fresh process, so that one run's heap
    (and the garbage collector's work on it) never weighs on the next.
    """
    if legacy:
        return asyncio.run(shapes(prs, LegacyQueueTable, filter_keys, settle=False))
    return asyncio.run(shapes(prs, QueueTable, filter_keys, settle=True))


async def shapes(
    prs: int, table_class: type[QueueTable], filter_keys: str, *, settle: bool = True
) -> dict[str, tuple[float, float]]:
    """Each shape's (median ms, longest stall ms) for `prs` PRs on `table_class`.

    `settle`: freeze the heap after the first show and leave full collections
    to quiet moments, as the console does (`tui.heap`; the steps here are the
    operator's input, during which the console runs none); the baseline ran
    without it.
    """
    base = synthetic_pulls(prs)
    first = analysed(base)
    flips = [
        analysed([replace(p, checks=ChecksState.FAILURE) if p.number % (prs // 50) == 0 else p for p in base])
        for _ in range(1)
    ] + [analysed([replace(p, checks=ChecksState.PENDING) if p.number % (prs // 50) == 0 else p for p in base])]
    churn = []
    pulls = base
    for round_ in range(CHURN_ROUNDS):
        closed = {p.number for p in pulls[round_ * 50 : round_ * 50 + 50]}
        pulls = [p for p in pulls if p.number not in closed] + synthetic_pulls(50, start=prs + 1 + round_ * 50)
        pulls = [replace(p, created_at=p.created_at - timedelta(seconds=1)) for p in pulls[-50:]] + pulls[:-50]
        churn.append(analysed(pulls))
    results: dict[str, tuple[float, float]] = {}
    app = BenchApp(table_class)
    async with app.run_test(headless=True, size=(160, 50)) as pilot:
        pane = app.query_one(QueuePane)
        table = pane.table
        results["first show"] = await timed(pilot, [lambda: pane.show(first[0], None, NOW, first[1])])
        if settle:
            HeapKeeper().settle()  # as the console's feed does once the first queue is shown
        table.move_cursor(row=prs // 2)
        await pilot.pause()  # the scroll to the middle is painted before the first timed step
        steps = [lambda a=a, r=r: pane.show(a, None, NOW, r) for a, r in flips * REPEATS]
        results["checks flipped on 50"] = await timed(pilot, steps)
        steps = [lambda a=a, r=r: pane.show(a, None, NOW, r) for a, r in churn]
        results["50 closed + 50 opened"] = await timed(pilot, steps)
        table.focus()
        await pilot.press("slash")
        typed = [*filter_keys, *["backspace"] * len(filter_keys)] * REPEATS  # typed, then erased, again
        results[f"filter typed ({filter_keys!r}, per key)"] = await timed(
            pilot, [lambda k=k: pilot.press(k) for k in typed]
        )
        await pilot.press("escape")
        await pilot.pause()
        results["sort (oldest, then priority)"] = await timed(
            pilot, [lambda: table.set_sort("oldest"), lambda: table.set_sort("priority")] * REPEATS
        )
    return results
