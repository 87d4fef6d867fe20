"""The Plan tab: mode, limits in force, estimated API cost, actions, skipped PRs, run progress."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, ProgressBar, Select, Static

from lbconsole.core.plan import Plan
from lbconsole.core.settings import MODES, Settings
from lbconsole.tui.estimate import cost_text, estimate_cost
from lbconsole.tui.render import action_cells, limits_text, skipped_cells
from lbconsole.tui.widgets.lists import ListTable
from lbconsole.tui.widgets.tones import styled, tone_styles

MAX_SKIPPED_ROWS = 500
"""The skipped table shows the highest-priority PRs only (the Queue's detail pane answers for any PR)."""


class PlanPane(Vertical):
    """Everything about the plan of the selected mode."""

    class ModeChosen(Message):
        """The operator picked a mode in the Select."""

        def __init__(self, mode: str) -> None:
            super().__init__()
            self.mode = mode

    def compose(self) -> ComposeResult:
        with Horizontal(id="plan-top"):
            yield Label("Mode", id="plan-mode-label")
            yield Select([(m, m) for m in MODES], allow_blank=False, value=MODES[0], id="plan-mode")
            yield Static("", id="plan-info", markup=False)  # plan notes and reasons are not markup
        yield Label("Actions", classes="section")
        yield ListTable(id="plan-actions")
        yield Label("Skipped", classes="section", id="plan-skipped-label")
        yield ListTable(id="plan-skipped")
        with Horizontal(id="plan-run"):
            yield ProgressBar(total=None, show_eta=False, id="plan-progress")
            yield Static("", id="plan-run-status", markup=False)  # action messages come from GitHub

    def on_mount(self) -> None:
        actions = self.query_one("#plan-actions", DataTable)
        actions.add_column("Action", key="kind", width=22)
        actions.add_column("PR", key="pr", width=7)
        actions.add_column("Category", key="category", width=13)
        actions.add_column("Reason", key="reason")
        skipped = self.query_one("#plan-skipped", DataTable)
        skipped.add_column("PR", key="pr", width=7)
        skipped.add_column("Category", key="category", width=13)
        skipped.add_column("Why not", key="reasons")
        self.query_one("#plan-run").display = False

    def set_mode(self, mode: str) -> None:
        """Reflect `mode` in the Select without echoing a ModeChosen."""
        select = self.query_one("#plan-mode", Select)
        if select.value != mode:
            with select.prevent(Select.Changed):
                select.value = mode

    @on(Select.Changed, "#plan-mode")
    def _mode_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.post_message(self.ModeChosen(event.value))

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._pending: tuple[Plan | None, Settings] | None = None
        self._shown_key: object = None

    def show(self, plan: Plan | None, settings: Settings) -> None:
        """Show `plan` (None: still loading); deferred while the tab is hidden, skipped when unchanged."""
        self._pending = (plan, settings)
        if self.is_on_screen:
            self.render_pending()

    def on_show(self) -> None:
        self.render_pending()

    def render_pending(self) -> None:
        """Render the plan given last, if it differs from the one shown."""
        if self._pending is None:
            return
        plan, settings = self._pending
        self._pending = None
        key = None if plan is None else (plan.mode, plan.limits, plan.actions, plan.skipped, plan.notes, settings)
        if key is not None and key == self._shown_key:
            return
        self._shown_key = key
        self._paint_plan(plan, settings)

    def _paint_plan(self, plan: Plan | None, settings: Settings) -> None:
        info = self.query_one("#plan-info", Static)
        actions = self.query_one("#plan-actions", DataTable)
        skipped = self.query_one("#plan-skipped", DataTable)
        actions.clear()
        skipped.clear()
        if plan is None:
            info.update("loading the queue…")
            return
        self.set_mode(plan.mode)
        styles = tone_styles(self.app)
        lines = [
            f"limits in force: {limits_text(plan.limits)}  ·  merge method {settings.merge.method}",
            cost_text(estimate_cost(plan, settings)),
        ]
        lines += [f"note: {n}" for n in plan.notes]
        info.update("\n".join(lines))
        for index, action in enumerate(plan.actions):
            actions.add_row(*(styled(c, styles) for c in action_cells(action)), key=f"a{index}")
        for item in plan.skipped[:MAX_SKIPPED_ROWS]:
            skipped.add_row(*(styled(c, styles) for c in skipped_cells(item)), key=f"s{item.pr}")
        more = len(plan.skipped) - MAX_SKIPPED_ROWS
        label = f"Skipped ({len(plan.skipped)})"
        if more > 0:
            label += f" — first {MAX_SKIPPED_ROWS} shown; the Queue tab's detail pane explains any PR"
        self.query_one("#plan-skipped-label", Label).update(label)
        self.query_one("Label.section", Label).update(f"Actions ({len(plan.actions)})")

    # -- run progress -------------------------------------------------------------

    def run_started(self, total: int) -> None:
        """Show the progress bar for a run of `total` actions."""
        self.query_one("#plan-run").display = True
        self.query_one("#plan-progress", ProgressBar).update(total=total, progress=0)
        self.query_one("#plan-run-status", Static).update(f"running 0/{total}… (c cancels)")

    def run_progress(self, done: int, total: int, text: str) -> None:
        """One more action finished."""
        self.query_one("#plan-progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#plan-run-status", Static).update(f"{done}/{total}: {text}")

    def run_finished(self, text: str) -> None:
        """The final summary of a run."""
        self.query_one("#plan-run-status", Static).update(text)
