"""The Runs tab: recent orchestrator workflow runs, and the worker that dispatches and follows them.

The pane owns the remote side of the console: its thread workers dispatch
the workflow (`dispatch`), follow a run into the log bus (`open_run`), and
list recent runs (`reload`); they report back only through the messages
below. Following stops when its `threading.Event` is set (`stop_following`:
the `c` key, opening another run, or leaving the console); the run itself
goes on on GitHub.
"""

from __future__ import annotations

import threading
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from lbconsole.errors import LbError
from lbconsole.tui.keys import bound_key
from lbconsole.tui.remote import RUNS_SHOWN, DispatchRequest, Remote
from lbconsole.tui.render import RUN_COLUMNS, run_cells, run_detail
from lbconsole.tui.widgets.lists import ListTable
from lbconsole.tui.widgets.tones import styled, tone_styles

if TYPE_CHECKING:
    from collections.abc import Callable

    from lbconsole.core.ports import JobInfo, RunInfo
    from lbconsole.engine.dispatch import Dispatched, RunResult

NO_LIVE_LOG = "job logs arrive in the Logs tab as each job completes (GitHub's API has no live log)"


class RunsPane(Vertical):
    """A table of recent orchestrator runs, a detail line, and what is being followed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_run", "Open run", id="runs.open"),
        Binding("u", "reload", "Reload runs", id="runs.reload"),
        Binding("o", "open_url", "Open in browser", id="runs.open_url"),
        Binding("y", "copy_url", "Copy URL", id="runs.copy_url"),
    ]

    class Dispatched(Message):
        """The workflow was dispatched; following its run begins."""

        def __init__(self, run: Dispatched) -> None:
            super().__init__()
            self.run = run

    class Opened(Message):
        """The operator opened a run: following it (or fetching its logs) begins."""

        def __init__(self, run_id: int) -> None:
            super().__init__()
            self.run_id = run_id

    class FollowEnded(Message):
        """Dispatching or following ended: `result` is how the run ended (None: `error` says why)."""

        def __init__(
            self, run_id: int | None, result: RunResult | None, error: str | None, cancel: threading.Event
        ) -> None:
            super().__init__()
            self.run_id, self.result, self.error, self.cancel = run_id, result, error, cancel

    class RunsLoaded(Message):
        """The recent runs were listed (None: `error` says why not; `unexpected`: a bug, not GitHub)."""

        def __init__(self, runs: list[RunInfo] | None, error: str | None, *, unexpected: bool = False) -> None:
            super().__init__()
            self.runs, self.error, self.unexpected = runs, error, unexpected

    def __init__(
        self,
        remote: Remote,
        *,
        clock: Callable[[], datetime],
        tz: tzinfo | None = None,
        read_only: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.remote = remote
        self.clock = clock
        self.tz = tz
        self.read_only = read_only
        self.runs: dict[str, RunInfo] = {}
        self.jobs: dict[int, tuple[JobInfo, ...]] = {}
        """Run id -> its jobs as last seen by a follow (their times give the run's duration)."""
        self.logged: set[int] = set()
        """Runs whose complete log the Logs tab already has (opening one again does not append it twice)."""
        self.following: int | None = None
        """The run being followed (None: nothing, or a dispatch not answered yet)."""
        self.dispatching = False
        self.last_result: RunResult | None = None
        self.loaded = 0
        """How many times the run list arrived (tests wait on it)."""
        self._cancel: threading.Event | None = None
        self._outcome_shown = False
        """The status line says how the last dispatch or follow ended (a reload keeps it)."""

    def compose(self) -> ComposeResult:
        # status and detail carry GitHub's text (run titles, errors): never markup
        yield Static("", id="runs-status", markup=False)
        yield ListTable(id="runs-table")
        yield Static("", id="runs-detail", markup=False)
        dispatch = bound_key(self.app, "plan.dispatch", "d")
        how = (
            f"{dispatch} on the Plan tab dispatches the workflow"
            if not self.read_only
            else "dispatch is disabled (--read-only)"
        )
        opens = bound_key(self.app, "runs.open", "enter")
        yield Static(
            f"{'Enter' if opens == 'enter' else opens} opens a run in the Logs tab: follows it while it runs, "
            f"or fetches its logs once it completed. {bound_key(self.app, 'runs.reload', 'u')} reloads. {how}.",
            id="runs-hint",
        )

    def on_mount(self) -> None:
        table = self.query_one("#runs-table", DataTable)
        for key, label, width in RUN_COLUMNS:
            table.add_column(label, key=key, width=width)
        self._status(f"runs of {self.remote.workflow}: loading…")

    def on_show(self) -> None:
        self.reload()

    def on_unmount(self) -> None:
        self.stop_following()

    @property
    def busy(self) -> bool:
        """Whether a dispatch or a follow is in progress."""
        return self._cancel is not None

    def _status(self, text: str, *, outcome: bool = False) -> None:
        self._outcome_shown = outcome
        self.query_one("#runs-status", Static).update(text)

    # -- the run list ----------------------------------------------------------------

    def action_reload(self) -> None:
        """List the recent runs again."""
        self.reload()

    def reload(self) -> None:
        """List the recent runs (in a worker)."""
        self.load_runs()

    @work(thread=True, exclusive=True, group="runs", exit_on_error=False)
    def load_runs(self) -> None:
        """The orchestrator workflow's recent runs, off the UI thread."""
        try:
            runs = self.remote.recent(RUNS_SHOWN)
        except LbError as exc:
            self.post_message(self.RunsLoaded(None, str(exc)))
            return
        except Exception as exc:  # a bug: say so (exit_on_error=False would swallow it)
            self.post_message(self.RunsLoaded(None, f"{type(exc).__name__}: {exc}", unexpected=True))
            raise
        if not get_current_worker().is_cancelled:
            self.post_message(self.RunsLoaded(runs, None))

    @on(RunsLoaded)
    def _loaded(self, message: RunsPane.RunsLoaded) -> None:
        message.stop()
        self.loaded += 1
        if message.runs is None:
            if message.unexpected:
                text = f"listing the runs of {self.remote.workflow} failed: {message.error}"
                self.remote.bus.emit("app", text, "error")
                self.notify(text, title="Unexpected error", severity="error", timeout=10, markup=False)
            if not self.busy and not self._outcome_shown:
                self._status(f"could not list the runs of {self.remote.workflow}: {message.error}")
            return
        table = self.query_one("#runs-table", DataTable)
        selected = self._selected_key()
        table.clear()
        styles = tone_styles(self.app)
        now = self.clock()
        self.runs = {str(run.id): run for run in message.runs}
        for key, run in self.runs.items():
            cells = run_cells(run, now, self.tz, self.jobs.get(run.id, ()))
            table.add_row(*(styled(c, styles) for c in cells), key=key)
        if selected in self.runs:
            table.move_cursor(row=table.get_row_index(selected))
        self._show_detail()
        if not self.busy and not self._outcome_shown:
            count = len(message.runs)
            self._status(
                f"{count} recent run{'s' if count != 1 else ''} of {self.remote.workflow}"
                if count
                else f"no runs of {self.remote.workflow} yet"
            )

    def _selected_key(self) -> str | None:
        table = self.query_one("#runs-table", DataTable)
        if not table.row_count:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except Exception:  # no valid cursor
            return None

    def _show_detail(self) -> None:
        key = self._selected_key()
        run = self.runs.get(key or "")
        self.query_one("#runs-detail", Static).update(run_detail(run, self.jobs.get(run.id, ())) if run else "")

    @on(DataTable.RowHighlighted, "#runs-table")
    def _highlighted(self) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#runs-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_run()

    def _selected_url(self) -> str | None:
        run = self.runs.get(self._selected_key() or "")
        if run is None or not run.html_url:
            self.notify("No run selected.", severity="warning")
            return None
        return run.html_url

    def action_open_url(self) -> None:
        """Open the selected run on GitHub in the browser."""
        url = self._selected_url()
        if url:
            self.app.open_url(url)

    def action_copy_url(self) -> None:
        """Copy the selected run's URL to the clipboard."""
        url = self._selected_url()
        if url:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", markup=False)

    # -- dispatch and follow -----------------------------------------------------------

    def action_open_run(self) -> None:
        """Follow the selected run (running), or fetch its logs (completed), into the Logs tab."""
        key = self._selected_key()
        run = self.runs.get(key or "")
        if run is None:
            self.notify("No run selected.", severity="warning")
            return
        if self.dispatching:
            self.notify("A dispatch is in progress: wait for its run id (c stops).", severity="warning")
            return
        self.open_run(run.id, running=not run.completed)

    def open_run(self, run_id: int, *, running: bool = True) -> None:
        """Stop following whatever was followed, then follow `run_id` (a completed run's log is fetched once)."""
        if not running and run_id in self.logged:
            self._status(f"the log of run {run_id} is already in the Logs tab (/ searches it)", outcome=True)
            self.post_message(self.Opened(run_id))
            return
        self.stop_following(quiet=True)
        cancel = self._cancel = threading.Event()
        self.following = run_id
        self.last_result = None
        if running:
            self._status(f"following run {run_id} — {NO_LIVE_LOG}; c stops following")
        else:
            self._status(f"fetching the logs of run {run_id}…")
        self.post_message(self.Opened(run_id))
        self.remote_work(None, run_id, cancel)

    def dispatch(self, request: DispatchRequest) -> None:
        """Dispatch the workflow, then follow the run it created."""
        self.stop_following(quiet=True)
        cancel = self._cancel = threading.Event()
        self.following = None
        self.dispatching = True
        self.last_result = None
        self._status(f"dispatching {self.remote.workflow} (mode {request.mode})…")
        self.remote_work(request, None, cancel)

    def stop_following(self, *, quiet: bool = False) -> bool:
        """Stop following (the run goes on on GitHub); True when something was followed."""
        cancel, self._cancel = self._cancel, None
        if cancel is None:
            return False
        cancel.set()
        if not quiet and self.is_mounted:
            run = f"run {self.following}" if self.following else "the dispatch"
            self._status(f"stopped following {run}; it goes on on GitHub", outcome=True)
        self.following = None
        self.dispatching = False
        return True

    @work(thread=True, exclusive=True, group="remote", exit_on_error=False)
    def remote_work(self, request: DispatchRequest | None, run_id: int | None, cancel: threading.Event) -> None:
        """Dispatch (when `request`), then follow the run until it completes or `cancel` is set."""
        try:
            if request is not None:
                dispatched = self.remote.dispatch(request)
                run_id = dispatched.run_id
                self.post_message(self.Dispatched(dispatched))
            assert run_id is not None
            result = self.remote.follow(run_id, cancel)
        except LbError as exc:
            self.post_message(self.FollowEnded(run_id, None, str(exc), cancel))
            return
        except Exception as exc:  # a bug must not leave the pane stuck in "following"
            self.post_message(self.FollowEnded(run_id, None, f"{type(exc).__name__}: {exc}", cancel))
            raise
        self.post_message(self.FollowEnded(run_id, result, None, cancel))

    @on(Dispatched)
    def _dispatched(self, message: RunsPane.Dispatched) -> None:
        if self._cancel is None or self._cancel.is_set():
            return
        self.dispatching = False
        self.following = message.run.run_id
        self._status(f"following run {message.run.run_id} — {NO_LIVE_LOG}; c stops following")
        self.reload()

    @on(FollowEnded)
    def _ended(self, message: RunsPane.FollowEnded) -> None:
        if message.cancel is not self._cancel:  # an earlier follow, stopped for this one: the bus said so
            message.stop()
            return
        self._cancel = None
        self.following = None
        self.dispatching = False
        result = message.result
        if result is None:
            what = f"run {message.run_id}" if message.run_id else "dispatch"
            self._status(f"{what} failed: {message.error}", outcome=True)
        elif result.stopped:
            self._status(
                f"stopped following run {result.run_id} ({result.status}); it goes on: {result.html_url}", outcome=True
            )
        else:
            self.last_result = result
            self._status(f"run {result.run_id} {final_text(result)} — {result.html_url}", outcome=True)
        if result is not None:
            self.jobs[result.run_id] = result.jobs
            if result.status == "completed" and not result.stopped and not result.logs_missing:
                self.logged.add(result.run_id)
        self.reload()


def final_text(result: RunResult) -> str:
    """``completed: success`` (or the status a run stopped at)."""
    if result.status != "completed":
        return result.status.replace("_", " ")
    return f"completed: {result.conclusion or 'no conclusion'}"
