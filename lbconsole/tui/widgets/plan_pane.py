"""The Plan tab: mode, limits in force, estimated API cost, actions, skipped PRs, the selected PR, run progress.

The detail pane under the tables is the Queue's: for the highlighted action
or skipped PR it says why the PR is in its category, why it is (not) ready
and everything the mode does with it, including why a PR that gets a label
is merged no further (its first action's `held_by`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Label, ProgressBar, Select, Static

from lbconsole.core.analysis import Analysis
from lbconsole.core.plan import Plan
from lbconsole.core.settings import MODES, Settings
from lbconsole.tui.estimate import cost_text, estimate_cost
from lbconsole.tui.render import action_cells, limits_text, skipped_cells
from lbconsole.tui.widgets.detail import DetailPane
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
        yield DetailPane(id="plan-detail")
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
        self._plan: Plan | None = None
        self._analyses: dict[int, Analysis] = {}
        self._now: datetime | None = None

    def show(
        self,
        plan: Plan | None,
        settings: Settings,
        analyses: Sequence[Analysis] = (),
        now: datetime | None = None,
    ) -> None:
        """Show `plan` (None: still loading); deferred while the tab is hidden, skipped when unchanged.

        Args:
            plan: the plan of the selected mode.
            settings: the settings it was made with.
            analyses: the queue's analyses (the detail pane explains the highlighted PR from them).
            now: when they were made (ages in the detail pane).
        """
        self._pending = (plan, settings)
        if analyses:
            self._analyses = {a.pr.number: a for a in analyses}
        if now is not None:
            self._now = now
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
            self._show_detail()  # the same plan, perhaps over fresher analyses
            return
        self._shown_key = key
        self._plan = plan
        self._paint_plan(plan, settings)
        self._show_detail()

    # -- the detail pane -------------------------------------------------------------

    def selected_pr(self) -> int | None:
        """The PR of the highlighted row: in the focused table, else the actions' (else the skipped's)."""
        actions = self.query_one("#plan-actions", DataTable)
        skipped = self.query_one("#plan-skipped", DataTable)
        tables = [skipped, actions] if skipped.has_focus else [actions, skipped]
        for table in tables:
            if table.row_count:
                return self._row_pr(table, table.cursor_row)
        return None

    def _row_pr(self, table: DataTable[object], row: int) -> int | None:
        try:
            key = str(table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value)
        except Exception:  # no such row
            return None
        if key.startswith("s"):
            return int(key[1:])
        if key.startswith("a") and self._plan is not None:
            index = int(key[1:])
            return self._plan.actions[index].pr if index < len(self._plan.actions) else None
        return None

    def _show_detail(self) -> None:
        detail = self.query_one(DetailPane)
        number = self.selected_pr()
        if number is None or self._now is None:
            detail.show(None, self._plan, self._now or datetime.min)
            return
        analysis = self._analyses.get(number)
        detail.show(analysis, self._plan, self._now)

    @on(DataTable.RowHighlighted, "#plan-actions, #plan-skipped")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_descendant_focus(self) -> None:
        self._show_detail()

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
