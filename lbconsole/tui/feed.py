"""The queue feed of the console: the workers that fetch, analyse and plan the queue, and what they show.

`refresh` decides (fetch or not, reuse the analyses or not, show, re-plan
or drop a result); `QueueFeed` runs those decisions in thread workers of
the app, posts what they computed as messages, and on the UI thread puts
the result into the Queue and Plan tabs, the header and the offline
banner. The app routes the messages here.
"""

from __future__ import annotations

import time
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker, get_current_worker

from lbconsole.core.models import Queue
from lbconsole.core.ports import Gateway, RateLimit
from lbconsole.errors import LbError
from lbconsole.tui import refresh
from lbconsole.tui.refresh import QueueState, Verdict
from lbconsole.tui.widgets.plan_pane import PlanPane
from lbconsole.tui.widgets.queue_pane import QueuePane
from lbconsole.tui.widgets.status_bar import OfflineBanner, StatusBar

if TYPE_CHECKING:
    from lbconsole.tui.app import LbConsoleApp


class QueueFeed:
    """Keeps the console `app` showing the current queue and the plan of its mode."""

    class Computed(Message):
        """A worker computed a queue and plan."""

        def __init__(self, result: QueueState) -> None:
            super().__init__()
            self.result = result

    class Offline(Message):
        """The gateway failed (None: it answered again)."""

        def __init__(self, message: str | None, rate: RateLimit | None, checked: datetime | None = None) -> None:
            super().__init__()
            self.message = message
            self.rate = rate
            self.checked = checked
            """When a cheap check found the queue unchanged (None: not such a check)."""

    class WorkerFailed(Message):
        """A worker stopped on an unexpected exception (a bug): say so instead of staying silent."""

        def __init__(self, what: str, error: str) -> None:
            super().__init__()
            self.what, self.error = what, error

    def __init__(self, app: LbConsoleApp) -> None:
        self.app = app
        self.last_state: QueueState | None = None
        """The last computed state (its analyses are reused when only the mode changes)."""
        self.offline: str | None = None
        """What the offline banner says (None: GitHub answers)."""
        self.applied_ms: list[float] = []
        """Main-thread milliseconds spent applying each computed queue (benchmarks read it)."""
        self._last_full = 0.0

    # -- workers ----------------------------------------------------------------------

    def refresh(self, *, full: bool) -> Worker[None]:
        """Fetch the queue when it changed (or `full`), then analyse and plan it, in a thread worker."""
        return self.app.run_worker(
            partial(self._refresh, full),
            name="refresh_queue",
            group="refresh",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def tick(self) -> None:
        """A periodic refresh: in full when `refresh.full_every_s` says so, else only when the queue changed."""
        since = time.monotonic() - self._last_full
        self.refresh(full=refresh.full_refresh_due(self.app.settings.refresh.full_every_s, since))

    def replan(self) -> Worker[None]:
        """Re-plan the current queue for the current mode and settings, in a thread worker."""
        return self.app.run_worker(
            self._replan, name="replan", group="plan", exclusive=True, thread=True, exit_on_error=False
        )

    def compute(self, queue: Queue, *, fetched: bool, mode: str | None = None) -> QueueState:
        """Analyse and plan `queue` for `mode` (default: the app's), with the settings in force (CPU only)."""
        app = self.app
        return refresh.compute(
            queue, mode=mode or app.mode, settings=app.settings, clock=app.clock, fetched=fetched, last=self.last_state
        )

    def _refresh(self, full: bool) -> None:
        app = self.app
        worker = get_current_worker()
        gateway: Gateway | None = None
        try:
            gateway = app.ensure_gateway()
            queue = refresh.fetch(gateway, full=full, have_queue=app.queue is not None)
            if queue is None:  # the cheap check: unchanged since the last full fetch
                app.post_message(self.Offline(None, gateway.rate_limit, checked=app.clock()))
                return
        except LbError as exc:
            app.post_message(self.Offline(refresh.offline_text(exc), gateway.rate_limit if gateway else None))
            return
        except Exception as exc:  # a bug: say so (exit_on_error=False would swallow it)
            app.post_message(self.WorkerFailed("refreshing the queue", f"{type(exc).__name__}: {exc}"))
            raise
        self._last_full = time.monotonic()
        if worker.is_cancelled:
            return
        try:
            result = self.compute(queue, fetched=True)
        except Exception as exc:
            app.post_message(self.WorkerFailed("planning the queue", f"{type(exc).__name__}: {exc}"))
            raise
        app.post_message(self.Computed(result))
        app.post_message(self.Offline(None, gateway.rate_limit))

    def _replan(self) -> None:
        app = self.app
        if app.queue is None:
            return
        try:
            result = self.compute(app.queue, fetched=False)
        except Exception as exc:  # a bug: say so (exit_on_error=False would swallow it)
            app.post_message(self.WorkerFailed("re-planning", f"{type(exc).__name__}: {exc}"))
            raise
        if not get_current_worker().is_cancelled:
            app.post_message(self.Computed(result))

    # -- on the UI thread ---------------------------------------------------------------

    def computed(self, message: QueueFeed.Computed) -> None:
        """Show what a worker computed, plan it again, or drop it (see `refresh.judge`)."""
        app = self.app
        result = message.result
        verdict = refresh.judge(result, queue=app.queue, mode=app.mode, settings=app.settings)
        if verdict is Verdict.DROP:
            return
        started = time.perf_counter()
        if result.fetched:
            app.bus.emit("app", f"queue of {result.queue.repo}: {len(result.queue.pulls)} open PRs")
            status = app.query_one(StatusBar)
            status.refreshed = result.now
            status.checked = None  # a full fetch supersedes the cheap checks before it
            status.repo = result.queue.repo
        self.last_state = result
        app.queue = result.queue
        if verdict is Verdict.REPLAN:  # its analyses hold for a mode change
            self.replan()
            return
        app.plan = result.plan
        app.query_one(QueuePane).show(result.analyses, result.plan, result.now, result.rows)
        app.query_one(PlanPane).show(result.plan, app.settings, result.analyses, result.now)
        self.applied_ms.append((time.perf_counter() - started) * 1000)
        if app.heap is not None:
            app.heap.settle()  # after the first queue: full collections skip it, and wait for quiet moments

    def went_offline(self, message: QueueFeed.Offline) -> None:
        """Show the rate limit, and the offline banner while GitHub does not answer."""
        app = self.app
        status = app.query_one(StatusBar)
        if message.rate is not None:
            status.rate = message.rate
        if message.checked is not None:
            status.checked = message.checked
        status.offline = message.message is not None
        if message.message is None:
            if self.offline is not None:
                app.bus.emit("app", "GitHub reachable again")
            self.offline = None
            app.query_one(OfflineBanner).show(None)
            return
        if message.message != self.offline:
            app.bus.emit("app", message.message, "error")
        self.offline = message.message
        app.query_one(OfflineBanner).show(message.message, cached=app.queue is not None)

    def worker_failed(self, message: QueueFeed.WorkerFailed) -> None:
        """Say that a worker stopped on a bug."""
        text = f"{message.what} failed: {message.error}"
        self.app.bus.emit("app", text, "error")
        self.app.notify(text, title="Unexpected error", severity="error", timeout=10, markup=False)
