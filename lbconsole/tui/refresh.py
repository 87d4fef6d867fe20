"""What a refresh of the console computes, and what the console does with the result.

The console fetches, analyses and plans in thread workers and applies the
result on the UI thread. Everything that decides (fetch or not, analyse
again or reuse, show, re-plan or drop a late result) lives here, free of
Textual, so it can be tested without a screen; `app.LbConsoleApp` only
runs these functions in its workers and paints what they return.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lbconsole.core.analysis import Analysis, analyze
from lbconsole.core.models import Queue
from lbconsole.core.plan import Plan
from lbconsole.core.planner import plan as make_plan
from lbconsole.core.ports import Gateway
from lbconsole.core.settings import Settings
from lbconsole.errors import LbError, Unreachable
from lbconsole.tui.render import Cell, queue_row


@dataclass(frozen=True, slots=True)
class QueueState:
    """A queue with its analyses and the plan of one mode, computed off the UI thread."""

    queue: Queue
    analyses: list[Analysis]
    plan: Plan
    now: datetime
    settings: Settings
    fetched: bool
    """True when the queue was just fetched (False: re-planned for a new mode or limits)."""
    rows: dict[int, tuple[Cell, ...]]
    """Every PR's queue row, rendered in the worker so the UI thread only diffs."""


def fetch(gateway: Gateway, *, full: bool, have_queue: bool) -> Queue | None:
    """Fetch the queue, unless it is known and GitHub says it did not change (blocking).

    Args:
        gateway: the console's gateway.
        full: fetch even when GitHub says nothing changed.
        have_queue: the console already shows a queue (without one, always fetch).

    Returns:
        The fetched queue, or None when the shown one is still current.

    Raises:
        LbError: GitHub could not be reached or refused.
    """
    if not full and have_queue and not gateway.queue_changed():
        return None
    return gateway.fetch_queue()


def offline_text(error: LbError) -> str:
    """What the offline banner says when a refresh failed with `error`."""
    kind = "unreachable" if isinstance(error, Unreachable) else "error"
    return f"GitHub {kind}: {error}"


def full_refresh_due(full_every_s: int, since_last_full_s: float) -> bool:
    """Whether a periodic tick should fetch in full (`full_every_s` 0: never)."""
    return full_every_s > 0 and since_last_full_s >= full_every_s


def compute(
    queue: Queue,
    *,
    mode: str,
    settings: Settings,
    clock: Callable[[], datetime],
    fetched: bool,
    last: QueueState | None = None,
) -> QueueState:
    """Analyse `queue` and plan `mode` on it (CPU only: run it off the UI thread).

    When `last` holds the same queue and settings, only the mode changed: its
    analyses, `now` and rows still hold and only the plan is made again.

    Args:
        queue: the queue to plan.
        mode: the mode to plan.
        settings: the settings in force.
        clock: the console's "now" (read only when the queue is analysed again).
        fetched: the queue was just fetched (see `QueueState.fetched`).
        last: the state computed last, if any.

    Returns:
        The new state.
    """
    if last is not None and last.queue is queue and last.settings is settings:
        plan = make_plan(queue, mode, settings, last.now, analyses=last.analyses)
        return QueueState(queue, last.analyses, plan, last.now, settings, fetched, last.rows)
    now = clock()
    analyses = analyze(queue.pulls, settings, now)
    plan = make_plan(queue, mode, settings, now, analyses=analyses)
    rows = {a.pr.number: queue_row(a, now) for a in analyses}
    return QueueState(queue, analyses, plan, now, settings, fetched, rows)


class Verdict(enum.Enum):
    """What the console does with a state that a worker computed."""

    DROP = "drop"
    """Out of date: ignore it."""
    REPLAN = "replan"
    """A fetched queue planned for another mode or settings: keep the queue, plan it again."""
    SHOW = "show"
    """Current: show the queue and its plan."""


def judge(state: QueueState, *, queue: Queue | None, mode: str, settings: Settings) -> Verdict:
    """Decide what to do with `state`, given what the console shows and has selected now.

    Args:
        state: what a worker computed.
        queue: the queue the console holds now (None: none yet).
        mode: the mode selected now.
        settings: the settings in force now.

    Returns:
        DROP for a re-plan of a queue that a newer fetch replaced, or a re-plan
        for a mode or settings no longer selected; REPLAN for a fetch planned
        for a mode or settings no longer selected; SHOW otherwise.
    """
    if not state.fetched and state.queue is not queue:
        return Verdict.DROP
    stale = state.plan.mode != mode or state.settings is not settings
    if not stale:
        return Verdict.SHOW
    return Verdict.REPLAN if state.fetched else Verdict.DROP
