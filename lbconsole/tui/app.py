"""The console app: wiring between the gateway, the planner, the engine and the tabs.

Data flows one way: gateway (a worker of `feed.QueueFeed`) -> analysis and
plan (same worker, decided by `refresh`) -> `QueueFeed.Computed` -> the tabs.
Writes (`r`, `d`, `c`) are `controller.RunController`'s; following runs is
the Runs tab's (`remote.Remote`); the palette and the help table come from
`palette`; the log bus feeds the Logs tab and the log file. Here: the
layout, the bindings, the one shared gateway, the routing of keys and messages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane
from textual.worker import Worker

from lbconsole.core.models import Queue
from lbconsole.core.plan import Plan
from lbconsole.core.ports import Gateway
from lbconsole.core.settings import MODES, Settings
from lbconsole.engine.logbus import LogBus
from lbconsole.engine.logfile import LogFile
from lbconsole.errors import GatewayError, LbError
from lbconsole.tui import palette, themes
from lbconsole.tui.controller import RunController
from lbconsole.tui.feed import QueueFeed
from lbconsole.tui.heap import TICK_S, HeapKeeper
from lbconsole.tui.queue_view import legend_rows
from lbconsole.tui.remote import ActionsFactory, Remote, Sleep
from lbconsole.tui.screens.help import HelpScreen
from lbconsole.tui.widgets.cost_pane import CostPane, CostSource
from lbconsole.tui.widgets.limits_pane import LimitsPane
from lbconsole.tui.widgets.logs_pane import MAX_LINES, LogsPane
from lbconsole.tui.widgets.plan_pane import PlanPane
from lbconsole.tui.widgets.queue_pane import QueuePane
from lbconsole.tui.widgets.queue_table import QueueTable
from lbconsole.tui.widgets.runs_pane import RunsPane
from lbconsole.tui.widgets.status_bar import OfflineBanner, StatusBar

Clock = Callable[[], datetime]
TAB_FOCUS: dict[str, str] = {
    "queue": "#queue-table",
    "plan": "#plan-mode",
    "logs": "#logs-log",
    "runs": "#runs-table",
    "limits": "#limits-pane",
    "cost": "#cost-figures",
}
"""Each tab, in the order of its number key, and the widget it focuses when shown."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class LbConsoleApp(App[int]):
    """The lbconsole console."""

    CSS_PATH = "app.tcss"
    TITLE = "lbconsole"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab('queue')", "Queue", id="tab.queue"),
        Binding("2", "tab('plan')", "Plan", id="tab.plan"),
        Binding("3", "tab('logs')", "Logs", id="tab.logs"),
        Binding("4", "tab('runs')", "Runs", id="tab.runs"),
        Binding("5", "tab('limits')", "Limits", id="tab.limits"),
        Binding("6", "tab('cost')", "Cost", id="tab.cost"),
        Binding("m", "cycle_mode", "Mode", id="plan.mode"),
        Binding("r", "run", "Run", id="plan.run"),
        Binding("d", "dispatch", "Dispatch", id="plan.dispatch"),
        Binding("c", "cancel_run", "Cancel / stop following", id="run.cancel"),
        Binding("escape", "cancel_run", "Cancel run", show=False, id="run.cancel_escape"),
        Binding("ctrl+r,f5", "refresh", "Refresh", id="app.refresh"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_ctrl"),
    ]

    class RateWait(Message):
        """The gateway is waiting out a rate limit (seconds left 0: it resumed)."""

        def __init__(self, seconds_left: float, reason: str) -> None:
            super().__init__()
            self.seconds_left = seconds_left
            self.reason = reason

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LbConsoleApp.RateWait)

    def __init__(
        self,
        *,
        settings: Settings,
        gateway_factory: Callable[[], Gateway],
        read_only: bool = False,
        demo: bool = False,
        config_path: Path | None = None,
        config_template: Path | None = None,
        state_dir: Path | None = None,
        warnings: Sequence[str] = (),
        bus: LogBus | None = None,
        clock: Clock | None = None,
        log_tz: tzinfo | None = None,
        theme_dirs: Iterable[Path] | None = None,
        mode: str = "auto",
        live_refresh: bool = True,
        log_max_lines: int = MAX_LINES,
        actions_factory: ActionsFactory | None = None,
        follow_sleep: Sleep | None = None,
        cost_source: CostSource | None = None,
        log_dir: Path | None = None,
        heap: HeapKeeper | None = None,
    ) -> None:
        super().__init__()
        self.heap = heap
        """Takes the garbage collector's full passes to quiet moments (`tui.heap`); None: CPython's own."""
        self.settings = settings
        self.gateway_factory = gateway_factory
        self.read_only = read_only
        self.demo = demo
        self.config_path = config_path
        self.config_template = config_template
        """What `config_path` starts as on its first save (the demo's config starts from the user's)."""
        self.state_dir = state_dir
        self.startup_warnings = list(warnings)
        self.clock: Clock = clock or _utcnow
        self.bus = bus or LogBus(clock=self.clock)
        if log_dir is not None:  # one log: the file `lbconsole logs` reads (`--source console`)
            self.bus.subscribe(LogFile(log_dir, job="console"))
        self.log_tz = log_tz
        self._theme_dirs = list(theme_dirs) if theme_dirs is not None else None
        self.mode = mode if mode in MODES else MODES[0]
        self.live_refresh = live_refresh
        self.log_max_lines = log_max_lines
        self.queue: Queue | None = None
        """The queue shown (None: still loading)."""
        self.plan: Plan | None = None
        """The plan of the selected mode on `queue` (None: still loading)."""
        self._gateway: Gateway | None = None
        self._gateway_lock = threading.Lock()
        self._quitting = threading.Event()
        """Set when the console is closing: a rate-limit wait in a worker stops at its next tick."""
        self._unsubscribe: Callable[[], None] | None = None
        self.feed = QueueFeed(self)
        """The workers that fetch, analyse and plan the queue."""
        self.control = RunController(self)
        """The writes: local runs (`r`), dispatches (`d`), cancelling (`c`)."""
        self.remote = Remote(
            self.ensure_gateway,
            bus=self.bus,
            workflow=lambda: self.settings.github.workflow,
            actions_factory=actions_factory,
            sleep=follow_sleep,
        )
        self.runs_pane = RunsPane(self.remote, clock=self.clock, tz=self.log_tz, read_only=read_only, id="runs-pane")
        """The Runs tab (held here: `query_one` only sees the screen on top, e.g. a modal)."""
        self.cost_pane = CostPane(
            cost_source, self.ensure_gateway, lambda: self.settings, clock=self.clock, tz=self.log_tz, id="cost-pane"
        )
        """The Cost tab: the Actions history, read when the tab is first shown."""

    @property
    def running(self) -> bool:
        """Whether a local run is in progress."""
        return self.control.running

    @property
    def last_report(self) -> Any:
        """The engine's RunReport of the last local run (None: none, or it could not start)."""
        return self.control.last_report

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar(tz=self.log_tz, id="status")
        yield OfflineBanner(id="offline")
        with TabbedContent(initial="queue", id="tabs"):
            with TabPane("1 Queue", id="queue"):
                yield QueuePane(id="queue-pane")
            with TabPane("2 Plan", id="plan"):
                yield PlanPane(id="plan-pane")
            with TabPane("3 Logs", id="logs"):
                yield LogsPane(max_lines=self.log_max_lines, tz=self.log_tz, id="logs-pane")
            with TabPane("4 Runs", id="runs"):
                yield self.runs_pane
            with TabPane("5 Limits", id="limits"):
                yield LimitsPane(self.settings, id="limits-pane")
            with TabPane("6 Cost", id="cost"):
                yield self.cost_pane
        yield Footer()

    def on_mount(self) -> None:
        themes.install(self, self._theme_dirs, self.settings.ui.theme, self.bus)
        self.query_one(QueueTable).category_order = self.settings.category_order()
        if self.settings.ui.keymap:
            self.set_keymap(dict(self.settings.ui.keymap))
        status = self.query_one(StatusBar)
        status.repo = self.settings.github.repo
        status.mode = self.mode
        status.flags = " · ".join(
            f for f in ("demo (simulator)" if self.demo else "", "read-only" if self.read_only else "") if f
        )
        self.query_one(OfflineBanner).show(None)
        self.query_one(PlanPane).set_mode(self.mode)
        self._unsubscribe = self.bus.subscribe(self.query_one(LogsPane).receive)
        for warning in self.startup_warnings:
            self.notify(warning, title="Configuration", severity="warning", timeout=10, markup=False)
            self.bus.emit("app", warning, "warning")
        self.query_one(QueueTable).focus()
        self.refresh_queue(full=True)
        interval = self.settings.refresh.interval_s
        if self.live_refresh and interval > 0:
            self.set_interval(max(5, interval), self.feed.tick)
        if self.heap is not None:
            self.set_interval(TICK_S, self.heap.tick)

    async def on_event(self, event: events.Event) -> None:
        if self.heap is not None and isinstance(event, events.InputEvent):
            self.heap.noted_input()  # a full collection waits until the operator is quiet
        await super().on_event(event)

    def on_unmount(self) -> None:
        self._quitting.set()
        self.control.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()

    # -- the gateway ------------------------------------------------------------------

    def ensure_gateway(self) -> Gateway:
        """The console's gateway, built on first use (thread-safe; call it from workers)."""
        with self._gateway_lock:
            if self._gateway is None:
                self._gateway = self.gateway_factory()
                self._gateway.on_wait = self._wait_tick  # the countdown of a rate-limit wait (worker thread)
            return self._gateway

    def _wait_tick(self, seconds_left: float, reason: str) -> None:
        """Each second of a rate-limit wait, in the waiting worker's thread: report it, or stop waiting.

        Raises:
            GatewayError: the console is closing, or the local run waiting here was cancelled
                (thread workers are awaited at exit: a wait of minutes would hold the console open).
        """
        if self._quitting.is_set():
            stop = "the console is closing"
        elif self.control.cancelled_here():
            stop = "the run was cancelled"
        else:
            self.post_message(self.RateWait(seconds_left, reason))
            return
        self.post_message(self.RateWait(0.0, reason))  # the header stops counting down
        raise GatewayError(f"stopped waiting: {stop}")

    @on(RateWait)
    def _rate_wait(self, message: LbConsoleApp.RateWait) -> None:
        left = round(message.seconds_left)
        self.query_one(StatusBar).waiting = f"{message.reason}: resuming in {left}s" if left > 0 else ""

    # -- refresh (feed.QueueFeed) -------------------------------------------------------

    def refresh_queue(self, full: bool = False) -> Worker[None]:
        """Fetch the queue when it changed (or `full`), then analyse and plan it; never on the UI thread."""
        return self.feed.refresh(full=full)

    def replan(self) -> Worker[None]:
        """Re-plan the current queue for the current mode and settings (off the UI thread)."""
        return self.feed.replan()

    @on(QueueFeed.Computed)
    def _computed(self, message: QueueFeed.Computed) -> None:
        self.feed.computed(message)

    @on(QueueFeed.Offline)
    def _offline(self, message: QueueFeed.Offline) -> None:
        self.feed.went_offline(message)

    @on(QueueFeed.WorkerFailed)
    def _worker_failed(self, message: QueueFeed.WorkerFailed) -> None:
        self.feed.worker_failed(message)

    # -- actions: tabs, mode, refresh, help -------------------------------------------

    async def action_quit(self) -> None:
        """Quit cleanly with exit code 0 (a local run is asked to stop first, following stops)."""
        self._quitting.set()
        self.control.stop()
        self.runs_pane.stop_following(quiet=True)
        self.exit(0)

    def action_tab(self, name: str) -> None:
        """Show tab `name` and focus its main widget."""
        self.query_one(TabbedContent).active = name
        if name in TAB_FOCUS:
            self.query_one(TAB_FOCUS[name]).focus()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "cost":
            self.cost_pane.ensure_loaded()

    def set_mode(self, mode: str) -> None:
        """Select `mode` and re-plan."""
        if mode not in MODES or mode == self.mode:
            return
        self.mode = mode
        self.query_one(StatusBar).mode = mode
        self.query_one(PlanPane).set_mode(mode)
        self.bus.emit("app", f"mode {mode}")
        self.replan()

    def action_cycle_mode(self) -> None:
        """Next of the five modes."""
        self.set_mode(MODES[(MODES.index(self.mode) + 1) % len(MODES)])

    @on(PlanPane.ModeChosen)
    def _mode_chosen(self, event: PlanPane.ModeChosen) -> None:
        self.set_mode(event.mode)

    def action_refresh(self) -> None:
        """Full refresh now."""
        self.refresh_queue(full=True)

    def action_help(self) -> None:
        """The help screen listing every binding."""
        self.push_screen(HelpScreen([*self.binding_rows(), *legend_rows()]))

    def binding_rows(self) -> list[palette.BindingRow]:
        """(where, keys, action, id) of every binding, with the keymap applied."""
        return palette.binding_rows(self)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from palette.commands(self, tuple(TAB_FOCUS))

    # -- actions: run, dispatch, cancel (controller.RunController) ---------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_run":
            return self.running or self.runs_pane.busy
        if action in ("run", "dispatch") and self.read_only:
            return False  # hidden from the footer; the command palette says why
        return True

    def action_run(self) -> None:
        """Run the current plan locally, after a confirmation."""
        self.control.ask_run()

    def action_cancel_run(self) -> None:
        """Cancel the local run (the action in flight finishes, the rest are cancelled), else stop following."""
        self.control.cancel_run()

    def action_dispatch(self) -> None:
        """Dispatch the orchestrator workflow with the plan's mode and limits, after a confirmation."""
        self.control.ask_dispatch()

    @on(RunController.RunProgress)
    def _run_progress(self, message: RunController.RunProgress) -> None:
        self.control.progress(message)

    @on(RunController.RunFinished)
    def _run_finished(self, message: RunController.RunFinished) -> None:
        self.control.finished(message)

    @on(RunsPane.Dispatched)
    def _dispatched(self, message: RunsPane.Dispatched) -> None:
        self.control.dispatched(message)

    @on(RunsPane.Opened)
    def _opened(self, message: RunsPane.Opened) -> None:
        self.control.opened()

    @on(RunsPane.FollowEnded)
    def _follow_ended(self, message: RunsPane.FollowEnded) -> None:
        self.control.follow_ended(message)

    # -- limits -------------------------------------------------------------------------

    @on(LimitsPane.SaveRequested)
    def _save_limits(self, event: LimitsPane.SaveRequested) -> None:
        edited = event.settings
        if self.config_path is None:
            self.notify("Applied for this session (no config file to save to).")
            self.apply_settings(edited)
            return
        from lbconsole.tui.config_io import save_limits

        try:
            saved = save_limits(self.config_path, edited, template=self.config_template)
        except LbError as exc:
            self.notify(f"Not saved: {exc}", title="Config", severity="error", timeout=10, markup=False)
            return
        self.notify(f"Saved to {self.config_path}; the plan uses the new limits.", markup=False)
        self.bus.emit("app", f"limits saved to {self.config_path}")
        self.apply_settings(saved)

    def apply_settings(self, settings: Settings) -> None:
        """Use `settings` from now on (re-analyse and re-plan)."""
        self.settings = settings
        self.query_one(LimitsPane).load(settings)
        self.query_one(QueueTable).category_order = settings.category_order()
        self.replan()
