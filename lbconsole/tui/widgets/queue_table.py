"""The queue: one DataTable, category header rows, updated in place.

A refresh never clears the table: rows whose cells changed get `update_cell`
for the changed columns only, new PRs are added, closed ones removed, and
the rows are re-sorted only when the order changed. The cursor stays on the
same PR (or category header) and the scroll position is kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from lbconsole.core.analysis import Analysis
from lbconsole.tui.render import CATEGORY_ORDER, QUEUE_COLUMNS, Cell, category_header, group_rows, queue_row
from lbconsole.tui.widgets.tones import styled, tone_styles


class _KeyedText(Text):
    """The first cell of a row, carrying the row key so `DataTable.sort` can order rows by it."""

    row_id: str = ""


class QueueTable(DataTable[Text]):
    """PRs grouped by category, in priority order."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="queue.down"),
        Binding("k", "cursor_up", "Up", show=False, id="queue.up"),
    ]

    class PullSelected(Message):
        """The cursor moved to a PR (`number`) or a category header (`number` None)."""

        def __init__(self, number: int | None, category: str | None) -> None:
            super().__init__()
            self.number = number
            self.category = category

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._order: list[str] = []
        self._styles: dict[str, Style] = {}
        self.analyses: dict[int, Analysis] = {}
        self.query_text = ""
        self.category_order: tuple[str, ...] = CATEGORY_ORDER
        """Group order: the app sets `Settings.category_order()` (custom categories at their config place)."""
        self._now: datetime | None = None
        self._source: Sequence[Analysis] = ()
        self._rows: Mapping[int, tuple[Cell, ...]] = {}

    def on_mount(self) -> None:
        for key, label, width in QUEUE_COLUMNS:
            self.add_column(label, key=key, width=width)
        self._styles = tone_styles(self.app)
        self.watch(self.app, "theme", self._restyle, init=False)

    def _restyle(self) -> None:
        self._styles = tone_styles(self.app)
        cells, self._cells = self._cells, {}
        for row_id, row in cells.items():
            self._write_row(row_id, row, previous=None)

    # -- data -------------------------------------------------------------------

    def show(
        self,
        analyses: Sequence[Analysis],
        now: datetime,
        query: str | None = None,
        rows: Mapping[int, tuple[Cell, ...]] | None = None,
    ) -> None:
        """Show `analyses` (priority order) narrowed by `query`, changing only what changed.

        Args:
            analyses: the queue, highest priority first.
            now: the moment ages are measured at.
            query: a new filter (None keeps the current one).
            rows: pre-rendered `render.queue_row` cells by PR number (rendered here when missing).
        """
        if query is not None:
            self.query_text = query
        if rows is not None:
            self._rows = rows
        elif self._source is not analyses:
            self._rows = {}
        self._source, self._now = analyses, now
        self.analyses = {a.pr.number: a for a in analyses}
        cached = self._rows
        desired: list[tuple[str, tuple[Cell, ...]]] = []
        for category, items, total in group_rows(analyses, self.query_text, self.category_order):
            desired.append((f"cat:{category}", category_header(category, len(items), total)))
            desired.extend((f"pr:{a.pr.number}", cached.get(a.pr.number) or queue_row(a, now)) for a in items)
        self._sync(desired)

    def set_query(self, query: str) -> None:
        """Narrow the rows to those matching `query` (see `render.matches`)."""
        if self._now is not None:
            self.show(self._source, self._now, query, rows=self._rows)
        else:
            self.query_text = query

    def _sync(self, desired: list[tuple[str, tuple[Cell, ...]]]) -> None:
        first = not self._cells
        selected = self.selected_row_id
        scroll_y = self.scroll_y
        wanted = dict(desired)
        for row_id in [r for r in self._cells if r not in wanted]:
            self.remove_row(row_id)
            del self._cells[row_id]
        for row_id, row in desired:
            self._write_row(row_id, row, previous=self._cells.get(row_id))
        order = [row_id for row_id, _ in desired]
        if order != self._order:
            rank = {row_id: index for index, row_id in enumerate(order)}
            self.sort("number", key=lambda cell: rank[cell.row_id])
            self._order = order
        if first and len(order) > 1:
            self.move_cursor(row=1)
        elif selected is not None and selected in wanted:
            self.move_cursor(row=self.get_row_index(selected), scroll=False)
            self.scroll_to(y=scroll_y, animate=False, immediate=True)

    def _write_row(self, row_id: str, row: tuple[Cell, ...], previous: tuple[Cell, ...] | None) -> None:
        if previous == row:
            return
        cells = [styled(cell, self._styles) for cell in row]
        first = _KeyedText(cells[0].plain, style=cells[0].style, no_wrap=True, end="")
        first.row_id = row_id
        cells[0] = first
        if previous is None or row_id not in self._cells:
            if row_id in self.rows:
                for (key, _, _), cell in zip(QUEUE_COLUMNS, cells, strict=True):
                    self.update_cell(row_id, key, cell)
            else:
                self.add_row(*cells, key=row_id, height=1)
        else:
            for index, ((key, _, _), cell) in enumerate(zip(QUEUE_COLUMNS, cells, strict=True)):
                if index == 0 or previous[index] != row[index]:
                    self.update_cell(row_id, key, cell)
        self._cells[row_id] = row

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
        if row_id not in self._cells:
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
