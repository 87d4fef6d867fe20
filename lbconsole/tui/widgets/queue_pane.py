"""The Queue tab: the grouped PR table, its filter, and the detail pane."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from lbconsole.core.analysis import Analysis
from lbconsole.core.plan import Plan
from lbconsole.tui.queue_view import next_sort
from lbconsole.tui.render import Cell
from lbconsole.tui.widgets.detail import DetailPane
from lbconsole.tui.widgets.queue_table import QueueTable


class QueuePane(Vertical):
    """Filter input (hidden until `/`), the queue table and the detail pane."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="queue.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="queue.clear_filter"),
        Binding("s", "sort", "Sort", id="queue.sort"),
        Binding("o", "open_url", "Open in browser", id="queue.open_url"),
        Binding("y", "copy_url", "Copy URL", id="queue.copy_url"),
        Binding("w", "watch", "Watch", show=False, id="queue.watch"),  # in the help, not the footer
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._plan: Plan | None = None
        self._now: datetime | None = None
        self.watched: dict[int, str] = {}
        """PR number -> its state when last shown, for the PRs the operator watches (`w`)."""

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter: number, title, author, category or state (Enter keeps, Esc clears)", id="queue-filter"
        )
        with Vertical(id="queue-body"):
            yield QueueTable(id="queue-table")
            yield DetailPane(id="queue-detail")

    def on_mount(self) -> None:
        self.query_one("#queue-filter", Input).display = False

    @property
    def table(self) -> QueueTable:
        """The queue table."""
        return self.query_one(QueueTable)

    def show(
        self,
        analyses: Sequence[Analysis],
        plan: Plan | None,
        now: datetime,
        rows: Mapping[int, tuple[Cell, ...]] | None = None,
    ) -> None:
        """Show a new queue and plan (rows updated in place; `rows` pre-rendered off the UI thread)."""
        self._plan, self._now = plan, now
        self.table.show(analyses, now, rows=rows)
        self._show_detail()
        if self.watched:
            self._tell_changes({a.pr.number: a.readiness.state for a in analyses})

    def _tell_changes(self, states: Mapping[int, str]) -> None:
        """A bell and a toast for each watched PR whose state changed (or that left the queue)."""
        for number, before in list(self.watched.items()):
            now = states.get(number, "gone")
            if now == before:
                continue
            self.watched[number] = now
            if now == "gone":
                text = f"#{number} left the queue (merged or closed); no longer watched"
                del self.watched[number]
            else:
                text = f"#{number} is now {now} (was {before})"
            self.app.bell()
            self.notify(text, title="Watched PR", timeout=10, markup=False)

    def action_watch(self) -> None:
        """Watch the selected PR (a bell and a toast when its state changes), or stop watching it."""
        number = self.table.selected_number
        analysis = self.table.analyses.get(number) if number is not None else None
        if number is None or analysis is None:
            self.notify("No pull request selected.", severity="warning")
        elif self.watched.pop(number, None) is not None:
            self.notify(f"#{number} no longer watched", timeout=3)
        else:
            self.watched[number] = analysis.readiness.state
            self.notify(
                f"watching #{number} ({analysis.readiness.state}): a bell and a toast when it changes", timeout=5
            )

    def _show_detail(self) -> None:
        if self._now is None:
            return
        table = self.table
        number = table.selected_number
        category = None
        row_id = table.selected_row_id
        if row_id and row_id.startswith("cat:"):
            name = row_id[4:]
            category = (name, [a for a in table.analyses.values() if a.category == name])
        analysis = table.analyses.get(number) if number is not None else None
        self.query_one(DetailPane).show(analysis, self._plan, self._now, category)

    @on(QueueTable.PullSelected)
    def _selected(self, event: QueueTable.PullSelected) -> None:
        self._show_detail()

    def action_sort(self) -> None:
        """Next sort order inside each category (`queue_view.SORTS`)."""
        table = self.table
        table.set_sort(next_sort(table.sort_name))
        self.notify(f"sorted by {table.sort_name} (inside each category)", timeout=3)
        self._show_detail()

    def _selected_url(self) -> str | None:
        number = self.table.selected_number
        analysis = self.table.analyses.get(number) if number is not None else None
        if analysis is None or not analysis.pr.url:
            self.notify("No pull request selected.", severity="warning")
            return None
        return analysis.pr.url

    def action_open_url(self) -> None:
        """Open the selected PR on GitHub in the browser."""
        url = self._selected_url()
        if url:
            self.app.open_url(url)

    def action_copy_url(self) -> None:
        """Copy the selected PR's URL to the clipboard."""
        url = self._selected_url()
        if url:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", markup=False)

    def action_filter(self) -> None:
        box = self.query_one("#queue-filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#queue-filter", Input)
        box.value = ""
        box.display = False
        self.table.set_query("")
        self.table.focus()
        self._show_detail()

    @on(Input.Changed, "#queue-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_query(event.value)
        self._show_detail()

    @on(Input.Submitted, "#queue-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            event.input.display = False
        self.table.focus()
