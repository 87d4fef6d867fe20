"""The console app: wiring between the gateway, the planner, the engine and the tabs.

Data flows one way: gateway (thread worker) -> core analysis and plan (same
worker) -> `Computed` message -> the tabs. Local runs execute in a thread
worker (`local_run`) and report back through messages; dispatching and
following orchestrator runs is the Runs tab's (`widgets.runs_pane`, on
`remote.Remote`); the log bus feeds the Logs tab.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane
from textual.worker import get_current_worker

from lbconsole.core.analysis import Analysis, analyze
from lbconsole.core.models import Queue
from lbconsole.core.plan import Plan
from lbconsole.core.planner import plan as make_plan
from lbconsole.core.ports import Gateway, RateLimit
from lbconsole.core.settings import MODES, Settings
from lbconsole.engine.logbus import LogBus
from lbconsole.errors import GatewayError, LbError, Unreachable
from lbconsole.tui import themes
from lbconsole.tui.local_run import Executor, execute_locally
from lbconsole.tui.remote import ActionsFactory, DispatchRequest, Remote, Sleep, dispatch_prompt
from lbconsole.tui.render import Cell, affected_prs, cost_text, estimate_cost, queue_row
from lbconsole.tui.screens.confirm import ConfirmScreen
from lbconsole.tui.screens.help import HelpScreen
from lbconsole.tui.widgets.limits_pane import LimitsPane
from lbconsole.tui.widgets.logs_pane import MAX_LINES, LogsPane
from lbconsole.tui.widgets.plan_pane import PlanPane
from lbconsole.tui.widgets.queue_pane import QueuePane
from lbconsole.tui.widgets.queue_table import QueueTable
from lbconsole.tui.widgets.runs_pane import RunsPane, final_text
from lbconsole.tui.widgets.status_bar import OfflineBanner, StatusBar

Clock = Callable[[], datetime]
TABS: tuple[str, ...] = ("queue", "plan", "logs", "runs", "limits")


def _utcnow() -> datetime:
    return datetime.now(UTC)


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


class LbConsoleApp(App[int]):
    """The lbconsole console."""

    CSS_PATH = "app.tcss"
    TITLE = "lbconsole"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "tab('queue')", "Queue", id="tab.queue"),
        Binding("2", "tab('plan')", "Plan", id="tab.plan"),
        Binding("3", "tab('logs')", "Logs", id="tab.logs"),
        Binding("4", "tab('runs')", "Runs", show=False, id="tab.runs"),
        Binding("5", "tab('limits')", "Limits", id="tab.limits"),
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

    class Computed(Message):
        """A worker computed a queue and plan."""

        def __init__(self, result: QueueState) -> None:
            super().__init__()
            self.result = result

    class RateWait(Message):
        """The gateway is waiting out a rate limit (seconds left 0: it resumed)."""

        def __init__(self, seconds_left: float, reason: str) -> None:
            super().__init__()
            self.seconds_left = seconds_left
            self.reason = reason

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LbConsoleApp.RateWait)

    class Offline(Message):
        """The gateway failed (None: it answered again)."""

        def __init__(self, message: str | None, rate: RateLimit | None) -> None:
            super().__init__()
            self.message = message
            self.rate = rate

    class RunProgress(Message):
        """One more action of the local run finished."""

        def __init__(self, done: int, total: int, text: str) -> None:
            super().__init__()
            self.done, self.total, self.text = done, total, text

    class RunFinished(Message):
        """The local run ended (`report` is the engine's RunReport, or None when it could not start)."""

        def __init__(self, report: Any, error: str | None) -> None:
            super().__init__()
            self.report, self.error = report, error

    class WorkerFailed(Message):
        """A worker stopped on an unexpected exception (a bug): say so instead of staying silent."""

        def __init__(self, what: str, error: str) -> None:
            super().__init__()
            self.what, self.error = what, error

    def __init__(
        self,
        *,
        settings: Settings,
        gateway_factory: Callable[[], Gateway],
        read_only: bool = False,
        demo: bool = False,
        config_path: Path | None = None,
        state_dir: Path | None = None,
        warnings: Sequence[str] = (),
        bus: LogBus | None = None,
        clock: Clock | None = None,
        log_tz: tzinfo | None = None,
        executor: Executor | None = None,
        theme_dirs: Iterable[Path] | None = None,
        mode: str = "auto",
        live_refresh: bool = True,
        log_max_lines: int = MAX_LINES,
        actions_factory: ActionsFactory | None = None,
        follow_sleep: Sleep | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.gateway_factory = gateway_factory
        self.read_only = read_only
        self.demo = demo
        self.config_path = config_path
        self.state_dir = state_dir
        self.startup_warnings = list(warnings)
        self.clock: Clock = clock or _utcnow
        self.bus = bus or LogBus(clock=self.clock)
        self.log_tz = log_tz
        self._executor = executor
        self._theme_dirs = list(theme_dirs) if theme_dirs is not None else None
        self.mode = mode if mode in MODES else MODES[0]
        self.live_refresh = live_refresh
        self.log_max_lines = log_max_lines
        self.queue: Queue | None = None
        self.plan: Plan | None = None
        self._last_state: QueueState | None = None
        """The last computed state (its analyses are reused when only the mode changes)."""
        self.offline: str | None = None
        self._gateway: Gateway | None = None
        self._gateway_lock = threading.Lock()
        self._last_full = 0.0
        self._cancel: threading.Event | None = None
        self._quitting = threading.Event()
        """Set when the console is closing: a rate-limit wait in a worker stops at its next tick."""
        self._waits = threading.local()
        """`cancel`: the local run's cancel Event, in the thread running it (its waits stop when set)."""
        self._unsubscribe: Callable[[], None] | None = None
        self.last_report: Any = None
        self.applied_ms: list[float] = []
        """Main-thread milliseconds spent applying each computed queue (benchmarks read it)."""
        self.remote = Remote(
            self._ensure_gateway,
            bus=self.bus,
            workflow=lambda: self.settings.github.workflow,
            actions_factory=actions_factory,
            sleep=follow_sleep,
        )
        self.runs_pane = RunsPane(self.remote, clock=self.clock, tz=self.log_tz, read_only=read_only, id="runs-pane")
        """The Runs tab (held here: `query_one` only sees the screen on top, e.g. a modal)."""

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
        yield Footer()

    def on_mount(self) -> None:
        self._load_themes()
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
            self.set_interval(max(5, interval), self._tick)

    def on_unmount(self) -> None:
        self._quitting.set()
        if self._cancel is not None:
            self._cancel.set()
        if self._unsubscribe is not None:
            self._unsubscribe()

    def _load_themes(self) -> None:
        dirs = self._theme_dirs
        if dirs is None:
            dirs = [*themes.builtin_theme_dirs(), themes.user_theme_dir()]
        found, problems = themes.discover(dirs)
        for theme in found:
            self.register_theme(theme)
        for problem in problems:
            self.notify(problem, title="Theme not loaded", severity="warning", timeout=10, markup=False)
            self.bus.emit("app", f"theme not loaded: {problem}", "warning")
        wanted = self.settings.ui.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            fallback = "lbconsole-dark" if "lbconsole-dark" in self.available_themes else "textual-dark"
            self.notify(f"unknown theme {wanted!r}; using {fallback}", title="Theme", severity="warning", markup=False)
            self.theme = fallback

    # -- refresh --------------------------------------------------------------------

    def _ensure_gateway(self) -> Gateway:
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
        cancel: threading.Event | None = getattr(self._waits, "cancel", None)
        if self._quitting.is_set():
            stop = "the console is closing"
        elif cancel is not None and cancel.is_set():
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

    def _tick(self) -> None:
        every = self.settings.refresh.full_every_s  # 0: no periodic full refresh
        full = every > 0 and time.monotonic() - self._last_full >= every
        self.refresh_queue(full=full)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_queue(self, full: bool = False) -> None:
        """Fetch the queue when it changed (or `full`), then analyse and plan it; never on the UI thread."""
        worker = get_current_worker()
        gateway: Gateway | None = None
        try:
            gateway = self._ensure_gateway()
            if not full and self.queue is not None and not gateway.queue_changed():
                self.post_message(self.Offline(None, gateway.rate_limit))
                return
            queue = gateway.fetch_queue()
        except LbError as exc:
            kind = "unreachable" if isinstance(exc, Unreachable) else "error"
            self.post_message(self.Offline(f"GitHub {kind}: {exc}", gateway.rate_limit if gateway else None))
            return
        except Exception as exc:  # a bug: say so (exit_on_error=False would swallow it)
            self.post_message(self.WorkerFailed("refreshing the queue", f"{type(exc).__name__}: {exc}"))
            raise
        self._last_full = time.monotonic()
        if worker.is_cancelled:
            return
        try:
            result = self._compute(queue, fetched=True)
        except Exception as exc:
            self.post_message(self.WorkerFailed("planning the queue", f"{type(exc).__name__}: {exc}"))
            raise
        self.post_message(self.Computed(result))
        self.post_message(self.Offline(None, gateway.rate_limit))

    def _compute(self, queue: Queue, *, fetched: bool, mode: str | None = None) -> QueueState:
        settings = self.settings
        mode = mode or self.mode
        last = self._last_state
        if last is not None and last.queue is queue and last.settings is settings:
            # Only the mode changed: the analyses (and rows) of this queue still hold.
            plan = make_plan(queue, mode, settings, last.now, analyses=last.analyses)
            return QueueState(queue, last.analyses, plan, last.now, settings, fetched, last.rows)
        now = self.clock()
        analyses = analyze(queue.pulls, settings, now)
        plan = make_plan(queue, mode, settings, now, analyses=analyses)
        rows = {a.pr.number: queue_row(a, now) for a in analyses}
        return QueueState(queue, analyses, plan, now, settings, fetched, rows)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def replan(self) -> None:
        """Re-plan the current queue for the current mode and settings (off the UI thread)."""
        if self.queue is None:
            return
        try:
            result = self._compute(self.queue, fetched=False)
        except Exception as exc:  # a bug: say so (exit_on_error=False would swallow it)
            self.post_message(self.WorkerFailed("re-planning", f"{type(exc).__name__}: {exc}"))
            raise
        if not get_current_worker().is_cancelled:
            self.post_message(self.Computed(result))

    @on(WorkerFailed)
    def _worker_failed(self, message: LbConsoleApp.WorkerFailed) -> None:
        text = f"{message.what} failed: {message.error}"
        self.bus.emit("app", text, "error")
        self.notify(text, title="Unexpected error", severity="error", timeout=10, markup=False)

    @on(Computed)
    def _computed(self, message: LbConsoleApp.Computed) -> None:
        result = message.result
        if not result.fetched and result.queue is not self.queue:
            return  # a re-plan of a queue a newer fetch replaced
        stale = result.plan.mode != self.mode or result.settings is not self.settings
        if stale and not result.fetched:
            return
        started = time.perf_counter()
        if result.fetched:
            self.bus.emit("app", f"queue of {result.queue.repo}: {len(result.queue.pulls)} open PRs")
            status = self.query_one(StatusBar)
            status.refreshed = result.now
            status.repo = result.queue.repo
        self._last_state = result
        self.queue = result.queue
        if stale:  # fetched for another mode or settings: plan it again (its analyses hold for a mode change)
            self.replan()
            return
        self.plan = result.plan
        self.query_one(QueuePane).show(result.analyses, result.plan, result.now, result.rows)
        self.query_one(PlanPane).show(result.plan, self.settings)
        self.applied_ms.append((time.perf_counter() - started) * 1000)

    @on(Offline)
    def _offline(self, message: LbConsoleApp.Offline) -> None:
        status = self.query_one(StatusBar)
        if message.rate is not None:
            status.rate = message.rate
        if message.message is None:
            if self.offline is not None:
                self.bus.emit("app", "GitHub reachable again")
            self.offline = None
            self.query_one(OfflineBanner).show(None)
            return
        if message.message != self.offline:
            self.bus.emit("app", message.message, "error")
        self.offline = message.message
        self.query_one(OfflineBanner).show(message.message)

    # -- actions: tabs, mode, refresh, help -------------------------------------------

    async def action_quit(self) -> None:
        """Quit cleanly with exit code 0 (a local run is asked to stop first, following stops)."""
        self._quitting.set()
        if self._cancel is not None:
            self._cancel.set()
        self.runs_pane.stop_following(quiet=True)
        self.exit(0)

    def action_tab(self, name: str) -> None:
        """Show tab `name` and focus its main widget."""
        self.query_one(TabbedContent).active = name
        focus = {
            "queue": "#queue-table",
            "plan": "#plan-mode",
            "logs": "#logs-log",
            "runs": "#runs-table",
            "limits": "#limit-merge",
        }
        if name in focus:
            self.query_one(focus[name]).focus()

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
        self.push_screen(HelpScreen(self.binding_rows()))

    def binding_rows(self) -> list[tuple[str, str, str, str]]:
        """(where, keys, action, id) of every binding, with the keymap applied."""
        keymap = dict(self.settings.ui.keymap)
        groups: list[tuple[str, Iterable[BindingType]]] = [
            ("everywhere", self.BINDINGS),
            ("queue", [*QueuePane.BINDINGS, *QueueTable.BINDINGS]),
            ("logs", LogsPane.BINDINGS),
            ("runs", RunsPane.BINDINGS),
            ("limits", LimitsPane.BINDINGS),
            ("confirmation", ConfirmScreen.BINDINGS),
        ]
        rows = []
        for where, bindings in groups:
            for binding in bindings:
                if not isinstance(binding, Binding):
                    continue
                keys = keymap.get(binding.id or "", binding.key)
                shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
                rows.append((where, shown, binding.description or binding.action, binding.id or ""))
        rows.append(("everywhere", "ctrl+p", "Command palette", "(textual)"))
        return rows

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for index, tab in enumerate(TABS, start=1):
            yield SystemCommand(f"Tab: {tab}", f"show the {tab} tab ({index})", lambda t=tab: self.action_tab(t))
        for mode in MODES:
            yield SystemCommand(f"Mode: {mode}", f"plan the {mode} mode", lambda m=mode: self.set_mode(m))
        yield SystemCommand("Refresh the queue", "fetch the queue from GitHub now", self.action_refresh)
        yield SystemCommand("Run the plan locally", "apply the current plan (asks first)", self.action_run)
        yield SystemCommand(
            "Dispatch the workflow", "run the plan's mode on GitHub Actions (asks first)", self.action_dispatch
        )
        yield SystemCommand(
            "Cancel the run", "stop a local run after the action in flight, or stop following", self.action_cancel_run
        )
        yield SystemCommand("Runs: reload", "list the orchestrator's recent runs", self._palette_runs)
        yield SystemCommand(
            "Runs: open the selected run",
            "follow it, or fetch its logs, in the Logs tab",
            self.runs_pane.action_open_run,
        )
        yield SystemCommand("Help: key bindings", "every binding and its id", self.action_help)
        yield SystemCommand(
            "Save limits", "write the Limits tab to the config file", lambda: self.query_one(LimitsPane).action_save()
        )
        yield SystemCommand(
            "Logs: toggle follow", "follow the end of the log", lambda: self.query_one(LogsPane).action_toggle_follow()
        )
        yield SystemCommand("Queue: filter", "narrow the queue", self._palette_filter)

    def _palette_runs(self) -> None:
        self.action_tab("runs")
        self.runs_pane.reload()

    def _palette_filter(self) -> None:
        self.action_tab("queue")
        self.query_one(QueuePane).action_filter()

    # -- actions: run, dispatch, cancel ----------------------------------------------

    @property
    def running(self) -> bool:
        """Whether a local run is in progress."""
        return self._cancel is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_run":
            return self.running or self.runs_pane.busy
        return True

    def action_run(self) -> None:
        """Run the current plan locally, after a confirmation."""
        if self.read_only:
            self.notify("Read-only mode (--read-only): local runs are disabled.", severity="warning")
            return
        if self.running:
            self.notify("A run is already in progress (c cancels it).", severity="warning")
            return
        plan = self.plan
        if plan is None:
            self.notify("No plan yet: the queue is still loading.", severity="warning")
            return
        if plan.empty:
            why = "; ".join(plan.notes) or "nothing to do"
            self.notify(f"Nothing to run: the {plan.mode} plan is empty ({why}).", markup=False)
            return
        question = (
            f"Apply {len(plan.actions)} action(s) of the {plan.mode} plan to {plan.repo} now?\n"
            f"Each action re-reads its PR first and is skipped when its head moved.\n"
            f"{cost_text(estimate_cost(plan, self.settings))}"
        )
        screen = ConfirmScreen(f"Run {plan.mode} locally", question, affected_prs(plan))
        self.push_screen(screen, callback=lambda yes: self._confirmed(plan, bool(yes)))

    def _confirmed(self, plan: Plan, yes: bool) -> None:
        if not yes:
            self.notify("Run cancelled: nothing was changed.")
            return
        self._cancel = threading.Event()
        self.query_one(PlanPane).run_started(len(plan.actions))
        self.refresh_bindings()
        self.run_plan(plan, self._cancel)

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def run_plan(self, plan: Plan, cancel: threading.Event) -> None:
        """Execute `plan` with apply=True (see `local_run.execute_locally`), off the UI thread."""
        self._waits.cancel = cancel  # a rate-limit wait of this run stops when it is cancelled
        try:
            report = execute_locally(
                plan,
                self._ensure_gateway(),
                settings=self.settings,
                bus=self.bus,
                cancel=cancel,
                progress=lambda done, total, text: self.post_message(self.RunProgress(done, total, text)),
                clock=self.clock,
                state_dir=self.state_dir,
                executor=self._executor,
            )
        except LbError as exc:
            self.post_message(self.RunFinished(None, str(exc)))
            return
        except Exception as exc:  # a bug must not leave the console stuck in "running"
            self.post_message(self.RunFinished(None, f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            self._waits.cancel = None  # worker threads are pooled
        self.post_message(self.RunFinished(report, None))

    @on(RunProgress)
    def _run_progress(self, message: LbConsoleApp.RunProgress) -> None:
        self.query_one(PlanPane).run_progress(message.done, message.total, message.text)

    @on(RunFinished)
    def _run_finished(self, message: LbConsoleApp.RunFinished) -> None:
        self._cancel = None
        self.refresh_bindings()
        self.last_report = message.report
        if message.report is None:
            text = f"run failed to start: {message.error}"
            self.bus.emit("app", text, "error")
            self.notify(text, severity="error", markup=False)
        else:
            from lbconsole.engine.executor import format_counts

            report = message.report
            text = f"run {'cancelled' if report.cancelled else 'finished'}: {format_counts(report)}"
            if report.aborted:
                text += f" — aborted: {report.aborted}"
            self.notify(text, severity="information" if report.exit_code == 0 else "warning", markup=False)
        self.query_one(PlanPane).run_finished(text)
        self.refresh_queue(full=True)

    def action_cancel_run(self) -> None:
        """Cancel the local run (the action in flight finishes, the rest are cancelled), else stop following."""
        if self._cancel is None:
            if self.runs_pane.stop_following():
                self.notify("Stopped following: the run goes on on GitHub.")
                self.refresh_bindings()
            return
        self._cancel.set()
        self.bus.emit("app", "cancel requested: finishing the action in flight", "warning")
        self.notify("Cancelling: the action in flight finishes, the rest are cancelled.")

    def action_dispatch(self) -> None:
        """Dispatch the orchestrator workflow with the plan's mode and limits, after a confirmation."""
        if self.read_only:
            self.notify("Read-only mode (--read-only): dispatch is disabled.", severity="warning")
            return
        if self.running:
            self.notify("A local run is in progress: dispatch after it ends.", severity="warning")
            return
        if self.runs_pane.dispatching:
            self.notify("A dispatch is already in progress.", severity="warning")
            return
        plan = self.plan
        if plan is None:
            self.notify("No plan yet: the queue is still loading.", severity="warning")
            return
        request, title, question = dispatch_prompt(plan, self.settings)
        screen = ConfirmScreen(title, question, affected_prs(plan))
        self.push_screen(screen, callback=lambda yes: self._dispatch_confirmed(request, bool(yes)))

    def _dispatch_confirmed(self, request: DispatchRequest, yes: bool) -> None:
        if not yes:
            self.notify("Dispatch cancelled: nothing was sent to GitHub.")
            return
        self.runs_pane.dispatch(request)
        self.refresh_bindings()
        self.action_tab("logs")

    @on(RunsPane.Dispatched)
    def _dispatched(self, message: RunsPane.Dispatched) -> None:
        run = message.run
        self.notify(f"Run {run.run_id} dispatched; following it here. {run.html_url}", title="Dispatch", markup=False)

    @on(RunsPane.Opened)
    def _opened(self, message: RunsPane.Opened) -> None:
        self.refresh_bindings()
        self.action_tab("logs")

    @on(RunsPane.FollowEnded)
    def _follow_ended(self, message: RunsPane.FollowEnded) -> None:
        self.refresh_bindings()
        result = message.result
        if result is None:
            what = f"Run {message.run_id}" if message.run_id else "Dispatch"
            self.bus.emit("app", f"{what.lower()} failed: {message.error}", "error")
            self.notify(f"{what} failed: {message.error}", severity="error", timeout=10, markup=False)
        elif not result.stopped:
            good = result.exit_code == 0
            self.notify(
                f"Run {result.run_id} {final_text(result)}. {result.html_url}",
                title="Orchestrator run",
                severity="information" if good else "warning",
                timeout=10,
                markup=False,
            )
            self.refresh_queue(full=True)  # the run may have changed pull requests

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
            saved = save_limits(self.config_path, edited)
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
