"""The console's writes to GitHub: run the plan locally (`r`), dispatch the workflow (`d`), cancel (`c`).

Each write asks for a confirmation first, then runs in a thread worker and
says how it ended (a notification, the Plan tab's progress bar, the log
bus). The local run's blocking part is `local_run.execute_locally`;
dispatching and following a run is the Runs tab's (`widgets.runs_pane`).
`RunController` holds the state of these writes (is a local run going on,
how did the last one end); the app routes its keys and the workers'
messages here.
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from lbconsole.core.plan import Plan
from lbconsole.core.strategy import merges_text
from lbconsole.engine.outcomes import RunReport
from lbconsole.errors import LbError
from lbconsole.tui.estimate import cost_text, estimate_cost
from lbconsole.tui.local_run import execute_locally, outcome_text
from lbconsole.tui.remote import DispatchRequest, dispatch_prompt
from lbconsole.tui.render import affected_prs
from lbconsole.tui.screens.confirm import ConfirmScreen
from lbconsole.tui.widgets.plan_pane import PlanPane
from lbconsole.tui.widgets.runs_pane import RunsPane, final_text

if TYPE_CHECKING:
    from lbconsole.tui.app import LbConsoleApp


class _RunThread(threading.local):
    """Per thread: the cancel Event of the local run this thread executes (None: none)."""

    cancel: threading.Event | None = None


class RunController:
    """Local runs and dispatches of the console `app`, from the key press to the outcome."""

    class RunProgress(Message):
        """One more action of the local run finished."""

        def __init__(self, done: int, total: int, text: str) -> None:
            super().__init__()
            self.done, self.total, self.text = done, total, text

    class RunFinished(Message):
        """The local run ended (`report` is the engine's RunReport, or None when it could not start)."""

        def __init__(self, report: RunReport | None, error: str | None) -> None:
            super().__init__()
            self.report, self.error = report, error

    def __init__(self, app: LbConsoleApp) -> None:
        self.app = app
        self.cancel: threading.Event | None = None
        """Set to cancel the local run in progress (None: no local run)."""
        self.last_report: RunReport | None = None
        """The RunReport of the last local run (None: none, or it could not start)."""
        self._waits = _RunThread()
        """The local run's cancel Event, in the thread running it (its rate-limit waits stop when set)."""

    @property
    def running(self) -> bool:
        """Whether a local run is in progress."""
        return self.cancel is not None

    def cancelled_here(self) -> bool:
        """Whether the calling thread runs a local run that was cancelled (its rate-limit waits stop)."""
        cancel = self._waits.cancel
        return cancel is not None and cancel.is_set()

    def stop(self) -> None:
        """Ask the local run to stop after the action in flight (the console is closing)."""
        if self.cancel is not None:
            self.cancel.set()

    # -- the local run ------------------------------------------------------------------

    def _no_plan(self) -> str:
        """Why there is nothing to run or dispatch yet: still loading, or GitHub unreachable."""
        offline = self.app.feed.offline
        if offline is not None:
            return f"No queue fetched yet: GitHub is unreachable ({offline}); nothing to run or dispatch."
        return "No plan yet: the queue is still loading."

    def ask_run(self) -> None:
        """Run the current plan locally, after a confirmation."""
        app = self.app
        if app.read_only:
            app.notify("Read-only mode (--read-only): local runs are disabled.", severity="warning")
            return
        if self.running:
            app.notify("A run is already in progress (c cancels it).", severity="warning")
            return
        plan = app.plan
        if plan is None:
            app.notify(self._no_plan(), severity="warning", markup=False)
            return
        if plan.empty:
            why = "; ".join(plan.notes) or "nothing to do"
            app.notify(f"Nothing to run: the {plan.mode} plan is empty ({why}).", markup=False)
            return
        question = (
            f"Apply {len(plan.actions)} action(s) of the {plan.mode} plan to {plan.repo} now?\n"
            f"Each action re-reads its PR first and is skipped when its head moved.\n"
            + (f"{merges_text(plan)}\n" if merges_text(plan) else "")
            + cost_text(estimate_cost(plan, app.settings))
        )
        screen = ConfirmScreen(f"Run {plan.mode} locally", question, affected_prs(plan))
        app.push_screen(screen, callback=lambda yes: self._run_confirmed(plan, bool(yes)))

    def _run_confirmed(self, plan: Plan, yes: bool) -> None:
        app = self.app
        if not yes:
            app.notify("Run cancelled: nothing was changed.")
            return
        cancel = self.cancel = threading.Event()
        app.query_one(PlanPane).run_started(len(plan.actions))
        app.refresh_bindings()
        app.run_worker(
            partial(self._execute, plan, cancel),
            name="run_plan",
            group="run",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _execute(self, plan: Plan, cancel: threading.Event) -> None:
        """Execute `plan` (see `local_run.execute_locally`), in a thread worker; the outcome comes as messages."""
        app = self.app
        self._waits.cancel = cancel  # a rate-limit wait of this run stops when it is cancelled
        try:
            report = execute_locally(
                plan,
                app.ensure_gateway(),
                settings=app.settings,
                bus=app.bus,
                cancel=cancel,
                progress=lambda done, total, text: app.post_message(self.RunProgress(done, total, text)),
                clock=app.clock,
                state_dir=app.state_dir,
            )
        except LbError as exc:
            app.post_message(self.RunFinished(None, str(exc)))
            return
        except Exception as exc:  # a bug must not leave the console stuck in "running"
            app.post_message(self.RunFinished(None, f"{type(exc).__name__}: {exc}"))
            raise
        finally:
            self._waits.cancel = None  # worker threads are pooled
        app.post_message(self.RunFinished(report, None))

    def progress(self, message: RunController.RunProgress) -> None:
        """Show one more finished action in the Plan tab."""
        self.app.query_one(PlanPane).run_progress(message.done, message.total, message.text)

    def finished(self, message: RunController.RunFinished) -> None:
        """Say how the local run ended, then refresh the queue it changed."""
        app = self.app
        self.cancel = None
        app.refresh_bindings()
        self.last_report = message.report
        if message.report is None:
            text = f"run failed to start: {message.error}"
            app.bus.emit("app", text, "error")
            app.notify(text, severity="error", markup=False)
        else:
            text, good = outcome_text(message.report)
            app.notify(text, severity="information" if good else "warning", markup=False)
        app.query_one(PlanPane).run_finished(text)
        app.refresh_queue(full=True)

    def cancel_run(self) -> None:
        """Cancel the local run (the action in flight finishes, the rest are cancelled), else stop following."""
        app = self.app
        if self.cancel is None:
            if app.runs_pane.stop_following():
                app.notify("Stopped following: the run goes on on GitHub.")
                app.refresh_bindings()
            return
        self.cancel.set()
        app.bus.emit("app", "cancel requested: finishing the action in flight", "warning")
        app.notify("Cancelling: the action in flight finishes, the rest are cancelled.")

    # -- dispatch -------------------------------------------------------------------------

    def ask_dispatch(self) -> None:
        """Dispatch the orchestrator workflow with the plan's mode and limits, after a confirmation."""
        app = self.app
        if app.read_only:
            app.notify("Read-only mode (--read-only): dispatch is disabled.", severity="warning")
            return
        if self.running:
            app.notify("A local run is in progress: dispatch after it ends.", severity="warning")
            return
        if app.runs_pane.dispatching:
            app.notify("A dispatch is already in progress.", severity="warning")
            return
        plan = app.plan
        if plan is None:
            app.notify(self._no_plan(), severity="warning", markup=False)
            return
        request, title, question = dispatch_prompt(plan, app.settings)
        screen = ConfirmScreen(title, question, affected_prs(plan))
        app.push_screen(screen, callback=lambda yes: self._dispatch_confirmed(request, bool(yes)))

    def _dispatch_confirmed(self, request: DispatchRequest, yes: bool) -> None:
        app = self.app
        if not yes:
            app.notify("Dispatch cancelled: nothing was sent to GitHub.")
            return
        app.runs_pane.dispatch(request)
        app.refresh_bindings()
        app.action_tab("logs")

    def dispatched(self, message: RunsPane.Dispatched) -> None:
        """The workflow was dispatched: say which run is followed."""
        run = message.run
        self.app.notify(
            f"Run {run.run_id} dispatched; following it here. {run.html_url}", title="Dispatch", markup=False
        )

    def opened(self) -> None:
        """A run is followed: show the Logs tab."""
        self.app.refresh_bindings()
        self.app.action_tab("logs")

    def follow_ended(self, message: RunsPane.FollowEnded) -> None:
        """Say how a dispatch or a followed run ended; a completed run may have changed the queue."""
        app = self.app
        app.refresh_bindings()
        result = message.result
        if result is None:
            what = f"Run {message.run_id}" if message.run_id else "Dispatch"
            app.bus.emit("app", f"{what.lower()} failed: {message.error}", "error")
            app.notify(f"{what} failed: {message.error}", severity="error", timeout=10, markup=False)
        elif not result.stopped:
            good = result.exit_code == 0
            app.bell()  # whoever follows the run may be looking at another window
            app.notify(
                f"Run {result.run_id} {final_text(result)}. {result.html_url}",
                title="Orchestrator run",
                severity="information" if good else "warning",
                timeout=10,
                markup=False,
            )
            app.refresh_queue(full=True)  # the run may have changed pull requests
