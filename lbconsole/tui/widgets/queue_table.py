"""The queue: one DataTable, category header rows, kept fast at thousands of PRs.

`DataTable.remove_row` rebuilds the table's whole row map on every call, so
removing rows one by one is quadratic (a filter over 5,000 PRs took seconds).
Instead: when the rows shown stay the same, in the same order (checks
flipped, a review arrived), only the changed cells are updated in place;
when rows come or go or move (a filter keystroke, a sort, PRs closed or
opened), the table is rebuilt in one pass from cached cell texts, and a
cell already rendered is not rendered again (`fast_table`). Either
way the cursor stays on the same PR (or category header) and the scroll
position is kept. Columns fold to fit the width (`queue_view.fit_columns`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from lbconsole.core.analysis import Analysis
from lbconsole.tui.queue_view import COLUMN_KEYS, fit_columns
from lbconsole.tui.render import CATEGORY_ORDER, Cell, category_header, group_rows, queue_row
from lbconsole.tui.widgets.fast_table import FastRowsTable
from lbconsole.tui.widgets.lists import ListTable
from lbconsole.tui.widgets.tones import styled, tone_styles

Row = tuple[Cell, ...]


class QueueTable(FastRowsTable[Text], ListTable[Text]):
    """PRs grouped by category, in priority order (or the chosen sort inside each category)."""

    class PullSelected(Message):
        """The cursor moved to a PR (`number`) or a category header (`number` None)."""

        def __init__(self, number: int | None, category: str | None) -> None:
            super().__init__()
            self.number = number
            self.category = category

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._cells: dict[str, Row] = {}
        """What each row shows (every column, folded or not), by row key."""
        self._texts: dict[str, list[Text]] = {}
        """The styled texts of `_cells` (every column), reused by rebuilds."""
        self._shown_texts: dict[str, list[Text]] = {}
        """The texts of the columns shown, one list per row kept while it is unchanged (`replace_rows`)."""
        self._order: list[str] = []
        self._styles: dict[str, Style] = {}
        self._shown: list[int] = []
        """Indexes into `COLUMN_KEYS` of the columns shown."""
        self.analyses: dict[int, Analysis] = {}
        self.query_text = ""
        self.sort_name = "priority"
        """The order inside each category (`queue_view.SORTS`)."""
        self.category_order: tuple[str, ...] = CATEGORY_ORDER
        """Group order: the app sets `Settings.category_order()` (custom categories at their config place)."""
        self.rebuilds = 0
        """How many times the rows were rebuilt (tests and benchmarks read it)."""
        self._now: datetime | None = None
        self._source: Sequence[Analysis] = ()
        self._rows: Mapping[int, Row] = {}

    def on_mount(self) -> None:
        self._styles = tone_styles(self.app)
        self._set_columns(self.size.width or 120)
        self.watch(self.app, "theme", self._restyle, init=False)

    def _on_resize(self, event: events.Resize) -> None:
        super()._on_resize(event)
        self._set_columns(self.size.width)  # the content width (the event's size includes the scrollbar gutter)

    def _set_columns(self, width: int) -> None:
        """Fold the columns to `width`; the title's width changes in place, a folded column rebuilds."""
        fitted = fit_columns(width)
        shown = [COLUMN_KEYS.index(key) for key, _, _ in fitted]
        if shown == self._shown:
            for key, _, column_width in fitted:
                column = self.columns[ColumnKey(key)]
                if column.width != column_width:
                    column.width = column_width
                    self._require_update_dimensions = True
                    self.refresh()
            return
        self._shown = shown
        self._shown_texts = {}
        self.clear(columns=True)
        for key, label, column_width in fitted:
            self.add_column(label, key=key, width=column_width)
        self._rebuild(list(self._order), self._order[1] if len(self._order) > 1 else None, 0)

    def _restyle(self) -> None:
        self._styles = tone_styles(self.app)
        self._texts = {row_id: self._styled(row) for row_id, row in self._cells.items()}
        self._shown_texts = {}
        self._rebuild(list(self._order), self.selected_row_id, self.scroll_y)

    def _styled(self, row: Row) -> list[Text]:
        return [styled(cell, self._styles) for cell in row]

    # -- data -------------------------------------------------------------------

    def show(
        self,
        analyses: Sequence[Analysis],
        now: datetime,
        query: str | None = None,
        rows: Mapping[int, Row] | None = None,
        sort: str | None = None,
    ) -> None:
        """Show `analyses` (priority order) narrowed by `query` and ordered by `sort`, changing only what changed.

        Args:
            analyses: the queue, highest priority first.
            now: the moment ages are measured at.
            query: a new filter (None keeps the current one).
            rows: pre-rendered `render.queue_row` cells by PR number (rendered here when missing).
            sort: a new sort order, a `queue_view.SORTS` name (None keeps the current one).
        """
        if query is not None:
            self.query_text = query
        if sort is not None:
            self.sort_name = sort
        if rows is not None:
            self._rows = rows
        elif self._source is not analyses:
            self._rows = {}
        self._source, self._now = analyses, now
        self.analyses = {a.pr.number: a for a in analyses}
        cached = self._rows
        desired: list[tuple[str, Row]] = []
        for category, items, total in group_rows(analyses, self.query_text, self.category_order, self.sort_name):
            desired.append((f"cat:{category}", category_header(category, len(items), total)))
            desired.extend((f"pr:{a.pr.number}", cached.get(a.pr.number) or queue_row(a, now)) for a in items)
        self._sync(desired)

    def set_query(self, query: str) -> None:
        """Narrow the rows to those matching `query` (see `render.matches`)."""
        if self._now is not None:
            self.show(self._source, self._now, query, rows=self._rows)
        else:
            self.query_text = query

    def set_sort(self, sort: str) -> None:
        """Order the PRs inside each category by `sort` (a `queue_view.SORTS` name)."""
        if self._now is not None:
            self.show(self._source, self._now, rows=self._rows, sort=sort)
        else:
            self.sort_name = sort

    def _sync(self, desired: list[tuple[str, Row]]) -> None:
        first = not self._order
        selected = self.selected_row_id
        scroll_y = self.scroll_y
        order = [row_id for row_id, _ in desired]
        changed: list[tuple[str, Row, Row | None]] = []
        for row_id, row in desired:
            previous = self._cells.get(row_id)
            if previous != row:
                changed.append((row_id, row, previous))
                self._cells[row_id] = row
                self._texts[row_id] = self._styled(row)
                self._shown_texts.pop(row_id, None)
        if len(self._cells) > 2 * (len(self.analyses) + len(self.category_order)) + 64:  # forget PRs long gone
            keep = set(order) | {f"pr:{number}" for number in self.analyses}  # a filter only hides rows
            self._cells = {k: v for k, v in self._cells.items() if k in keep}
            self._texts = {k: v for k, v in self._texts.items() if k in keep}
            self._shown_texts = {k: v for k, v in self._shown_texts.items() if k in keep}
        if order != self._order:
            self._rebuild(order, order[1] if first and len(order) > 1 else selected, 0 if first else scroll_y)
            return
        for row_id, row, previous in changed:
            texts = self._texts[row_id]
            for index in self._shown:
                if previous is None or previous[index] != row[index]:
                    self.update_cell(row_id, COLUMN_KEYS[index], texts[index])

    def _rebuild(self, order: list[str], selected: str | None, scroll_y: float) -> None:
        """Clear the rows and add `order`'s in one pass; put the cursor back on `selected`."""
        self.rebuilds += 1
        self._order = order
        shown, texts, shown_texts = self._shown, self._texts, self._shown_texts

        def cells(row_id: str) -> list[Text]:
            found = shown_texts.get(row_id)
            if found is None:
                found = shown_texts[row_id] = [texts[row_id][index] for index in shown]
            return found

        # Every column has a fixed width and every row one line: no new row needs measuring.
        self.replace_rows((row_id, cells(row_id)) for row_id in order)
        if selected is not None and selected in self._row_locations:
            self.move_cursor(row=self.get_row_index(selected), scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)
        elif order:
            self.move_cursor(row=1 if len(order) > 1 else 0, scroll=False)

    # -- selection ----------------------------------------------------------------

    @property
    def selected_row_id(self) -> str | None:
        """Key of the row under the cursor (`pr:12`, `cat:security`), if any."""
        if not self.row_count:
            return None
        try:
            key: RowKey = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return key.value

    @property
    def selected_number(self) -> int | None:
        """The PR under the cursor, if the cursor is on a PR row."""
        row_id = self.selected_row_id
        return int(row_id[3:]) if row_id and row_id.startswith("pr:") else None

    def select_pr(self, number: int) -> bool:
        """Move the cursor to PR `number`; False when it is not shown."""
        row_id = f"pr:{number}"
        if RowKey(row_id) not in self._row_locations:
            return False
        self.move_cursor(row=self.get_row_index(row_id))
        return True

    def shown_numbers(self) -> list[int]:
        """The PRs shown, in display order."""
        return [int(r[3:]) for r in self._order if r.startswith("pr:")]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row_id = event.row_key.value or ""
        number = int(row_id[3:]) if row_id.startswith("pr:") else None
        category = row_id[4:] if row_id.startswith("cat:") else None
        self.post_message(self.PullSelected(number, category))
